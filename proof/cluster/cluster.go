package cluster

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Cluster is a running Redis Cluster owned by one test.
type Cluster struct {
	// Addrs are the nodes' addresses, masters first as created.
	Addrs []string
	procs []*exec.Cmd
}

// Start launches n (≥ 6) cluster-enabled redis-servers, creates the cluster with one
// replica per master and waits until every node reports cluster_state:ok. The
// processes are killed when the test ends.
func Start(tb testing.TB, n int) *Cluster {
	tb.Helper()
	server, err := exec.LookPath("redis-server")
	if err != nil {
		tb.Fatalf("redis-server not found (apt-get install redis-server): %v", err)
	}
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		tb.Fatalf("redis-cli not found (apt-get install redis-tools): %v", err)
	}
	c := &Cluster{}
	tb.Cleanup(c.Stop)
	for i := range n {
		dir := filepath.Join(tb.TempDir(), fmt.Sprintf("node%d", i))
		if err := os.MkdirAll(dir, 0o750); err != nil {
			tb.Fatal(err)
		}
		addr := freeAddr(tb)
		_, port, _ := net.SplitHostPort(addr)
		cmd := exec.Command(server, "--port", port, "--bind", "127.0.0.1", "--dir", dir,
			"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000",
			"--save", "", "--appendonly", "yes", "--appendfsync", "everysec",
			"--protected-mode", "no", "--loglevel", "warning")
		// Redis logs go to the node directory: cluster chatter would drown the test output.
		logf, err := os.Create(filepath.Join(dir, "redis.log"))
		if err != nil {
			tb.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			tb.Fatalf("start redis-server %s: %v", addr, err)
		}
		c.procs = append(c.procs, cmd)
		c.Addrs = append(c.Addrs, addr)
	}
	for _, a := range c.Addrs {
		waitPing(tb, a)
	}
	args := append([]string{"--cluster", "create"}, c.Addrs...)
	args = append(args, "--cluster-replicas", "1", "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		tb.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, a := range c.Addrs {
		for {
			out, err := exec.Command(cli, "-h", "127.0.0.1", "-p", port(a), "cluster", "info").Output()
			if err == nil && strings.Contains(string(out), "cluster_state:ok") {
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("cluster node %s not ok: %v %s", a, err, out)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return c
}

// Client is a go-redis Cluster client for the cluster; it is closed when the test ends.
func (c *Cluster) Client(tb testing.TB) *redis.ClusterClient {
	tb.Helper()
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs})
	tb.Cleanup(func() { _ = rdb.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Every master must be known and reachable before the test starts numbering.
	err := rdb.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error { return m.Ping(ctx).Err() })
	if err != nil {
		tb.Fatalf("cluster client: %v", err)
	}
	return rdb
}

// Stop kills every node.
func (c *Cluster) Stop() {
	for _, p := range c.procs {
		if p.Process != nil {
			_ = p.Process.Kill()
			_ = p.Wait()
		}
	}
	c.procs = nil
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

func freeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitPing(tb testing.TB, addr string) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.SetDeadline(time.Now().Add(time.Second))
			_, err = c.Write([]byte("PING\r\n"))
			var line string
			if err == nil {
				line, err = bufio.NewReader(c).ReadString('\n')
			}
			c.Close()
			if err == nil && strings.HasPrefix(line, "+PONG") {
				return
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("redis-server %s did not answer PING: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
