//go:build linux

package capture

import (
	"context"
	"fmt"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// LiveSource captures from a Linux interface with AF_PACKET (needs CAP_NET_RAW).
type LiveSource struct {
	h *pcapgo.EthernetHandle
}

// OpenLive starts capturing on iface; packets are buffered by the kernel from now on.
func OpenLive(iface string) (*LiveSource, error) {
	h, err := pcapgo.NewEthernetHandle(iface)
	if err != nil {
		return nil, fmt.Errorf("email capture: open %s: %w", iface, err)
	}
	return &LiveSource{h: h}, nil
}

// ReadPacketData implements PacketSource.
func (l *LiveSource) ReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	return l.h.ReadPacketData()
}

// LinkType implements PacketSource: AF_PACKET delivers Ethernet framing (also on lo).
func (l *LiveSource) LinkType() layers.LinkType { return layers.LinkTypeEthernet }

// Close stops the capture.
func (l *LiveSource) Close() error { return l.h.Close() }

// Live taps iface until ctx ends.
func Live(ctx context.Context, iface string, cfg Config) (Stats, error) {
	src, err := OpenLive(iface)
	if err != nil {
		return Stats{}, err
	}
	return RunLive(ctx, src, cfg)
}

// RunLive taps an opened live source until ctx ends, then closes it.
func RunLive(ctx context.Context, src *LiveSource, cfg Config) (Stats, error) {
	stop := context.AfterFunc(ctx, func() { _ = src.Close() })
	defer stop()
	return Run(ctx, src, cfg)
}
