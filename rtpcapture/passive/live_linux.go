//go:build linux

package passive

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Live is an open AF_PACKET capture of one network interface (pure Go, Linux; needs
// CAP_NET_RAW). Frames arriving between OpenInterface and Run wait in the socket.
type Live struct {
	h      *pcapgo.EthernetHandle
	ifname string
}

// OpenInterface opens a live capture on ifname (e.g. "eth1" on a SPAN port).
func OpenInterface(ifname string) (*Live, error) {
	h, err := pcapgo.NewEthernetHandle(ifname)
	if err != nil {
		return nil, fmt.Errorf("passive: open interface %s: %w", ifname, err)
	}
	return &Live{h: h, ifname: ifname}, nil
}

// Run feeds captured frames to c until ctx ends, then closes the capture and ends the
// calls still followed. Media timeouts advance with arriving frames.
func (l *Live) Run(ctx context.Context, c *Capture) error {
	stop := context.AfterFunc(ctx, func() { _ = l.h.Close() })
	defer stop()
	defer c.Flush(context.WithoutCancel(ctx))
	for {
		data, ci, err := l.h.ReadPacketData()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, syscall.EINTR) || errors.Is(err, syscall.EAGAIN) {
				continue
			}
			return fmt.Errorf("passive: read %s: %w", l.ifname, err)
		}
		c.Frame(ctx, ci.Timestamp, layers.LinkTypeEthernet, data)
	}
}
