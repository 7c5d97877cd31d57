package testredis

import "testing"

func TestStartAnswersPing(t *testing.T) {
	s := Start(t)
	if err := ping(s.Addr); err != nil {
		t.Fatalf("ping %s: %v", s.Addr, err)
	}
	s.Restart(t)
	if err := ping(s.Addr); err != nil {
		t.Fatalf("ping after restart %s: %v", s.Addr, err)
	}
}

// TestClientTalksToServer: the client Client returns reaches this server (a value
// set through it is there in a second client).
func TestClientTalksToServer(t *testing.T) {
	s := Start(t)
	ctx := t.Context()
	if err := s.Client(t).Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Client(t).Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Fatalf("get k: %q, %v; want v", got, err)
	}
}
