package testmail

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// aptHint is how to get the peers installed (make test runs scripts/install-deps.sh).
const aptHint = "apt-get install -y dovecot-imapd dovecot-pop3d swaks curl (or run: make deps)"

// Need returns the path of a binary, failing the test loudly when it is missing.
func Need(tb testing.TB, bin string) string {
	tb.Helper()
	p, err := exec.LookPath(bin)
	if err != nil {
		// Also look in sbin, which a non-root PATH may lack.
		for _, dir := range []string{"/usr/sbin", "/sbin"} {
			if _, serr := os.Stat(filepath.Join(dir, bin)); serr == nil {
				return filepath.Join(dir, bin)
			}
		}
		tb.Fatalf("%s not found: %v; install it: %s", bin, err, aptHint)
	}
	return p
}

// Dovecot is a running Dovecot with IMAP and POP3 on free loopback ports.
type Dovecot struct {
	IMAPAddr, POP3Addr string
	// IMAPSAddr and POP3SAddr are the implicit-TLS listeners (StartDovecotTLS only).
	IMAPSAddr, POP3SAddr string
	dir                  string
	uid, gid             int
	cmd                  *exec.Cmd
}

// StartDovecot runs Dovecot in the foreground with a configuration under a temp dir:
// passwd-file users (plaintext passwords), maildir mail, no TLS. As root the mail
// processes run as nobody; otherwise Dovecot runs as the current user.
func StartDovecot(tb testing.TB, users map[string]string) *Dovecot {
	tb.Helper()
	return startDovecot(tb, users, nil)
}

// StartDovecotTLS is StartDovecot with STARTTLS/STLS offered and implicit-TLS
// listeners, all presenting cert.
func StartDovecotTLS(tb testing.TB, users map[string]string, cert *Cert) *Dovecot {
	tb.Helper()
	return startDovecot(tb, users, cert)
}

func startDovecot(tb testing.TB, users map[string]string, cert *Cert) *Dovecot {
	tb.Helper()
	bin := Need(tb, "dovecot")
	dir := tb.TempDir()
	d := &Dovecot{dir: dir, uid: os.Getuid(), gid: os.Getgid()}
	root := os.Getuid() == 0
	extra := ""
	if root {
		d.uid, d.gid = 65534, 65534
		// The unprivileged mail processes must reach the maildirs under the temp dir.
		for p := dir; p != "/" && p != os.TempDir(); p = filepath.Dir(p) {
			if err := os.Chmod(p, 0o755); err != nil {
				tb.Fatal(err)
			}
		}
	} else {
		u, err := user.Current()
		if err != nil {
			tb.Fatal(err)
		}
		extra = fmt.Sprintf("default_internal_user = %s\ndefault_login_user = %s\ndefault_internal_group = %s\n",
			u.Username, u.Username, groupName(tb))
	}
	for _, sub := range []string{"run", "state", "mail"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	var pw strings.Builder
	for u, p := range users {
		fmt.Fprintf(&pw, "%s:{PLAIN}%s::::::\n", u, p)
	}
	writeFile(tb, filepath.Join(dir, "users"), pw.String())
	imapPort, pop3Port := freePort(tb), freePort(tb)
	imapsPort, pop3sPort := 0, 0
	ssl := "ssl = no"
	if cert != nil {
		imapsPort, pop3sPort = freePort(tb), freePort(tb)
		ssl = fmt.Sprintf("ssl = yes\nssl_cert = <%s\nssl_key = <%s", cert.CertFile, cert.KeyFile)
	}
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
%[7]s
disable_plaintext_auth = no
auth_mechanisms = plain login apop
mail_location = maildir:%[1]s/mail/%%u
first_valid_uid = 0
pop3_uidl_format = %%08Xu%%08Xv
%[6]s
passdb {
  driver = passwd-file
  args = scheme=PLAIN %[1]s/users
}
userdb {
  driver = static
  args = uid=%[2]d gid=%[3]d home=%[1]s/mail/%%u
}
service imap-login {
  chroot =
  inet_listener imap {
    port = %[4]d
  }
  inet_listener imaps {
    port = %[8]d
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    port = %[5]d
  }
  inet_listener pop3s {
    port = %[9]d
  }
}
service anvil {
  chroot =
}
`, dir, d.uid, d.gid, imapPort, pop3Port, extra, ssl, imapsPort, pop3sPort)
	confPath := filepath.Join(dir, "dovecot.conf")
	writeFile(tb, confPath, conf)
	d.cmd = exec.Command(bin, "-F", "-c", confPath)
	if err := d.cmd.Start(); err != nil {
		tb.Fatalf("start dovecot: %v", err)
	}
	tb.Cleanup(func() {
		_ = d.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = d.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = d.cmd.Process.Kill()
			<-done
		}
	})
	d.IMAPAddr = fmt.Sprintf("127.0.0.1:%d", imapPort)
	d.POP3Addr = fmt.Sprintf("127.0.0.1:%d", pop3Port)
	if cert != nil {
		d.IMAPSAddr = fmt.Sprintf("127.0.0.1:%d", imapsPort)
		d.POP3SAddr = fmt.Sprintf("127.0.0.1:%d", pop3sPort)
	}
	for _, a := range []string{d.IMAPAddr, d.POP3Addr} {
		if err := waitGreeting(a); err != nil {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			tb.Fatalf("dovecot not answering on %s: %v\n%s", a, err, log)
		}
	}
	return d
}

// Deliver puts a message into user's INBOX (maildir new/).
func (d *Dovecot) Deliver(tb testing.TB, user, name, msg string) {
	tb.Helper()
	box := filepath.Join(d.dir, "mail", user)
	for _, sub := range []string{"new", "cur", "tmp"} {
		p := filepath.Join(box, sub)
		if err := os.MkdirAll(p, 0o700); err != nil {
			tb.Fatal(err)
		}
	}
	path := filepath.Join(box, "new", name)
	writeFile(tb, path, msg)
	if os.Getuid() == 0 {
		_ = filepath.Walk(box, func(p string, _ os.FileInfo, err error) error {
			if err == nil {
				err = os.Chown(p, d.uid, d.gid)
			}
			return err
		})
	}
}

func waitGreeting(addr string) error {
	var err error
	for range 100 {
		var c net.Conn
		c, err = net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
			_, err = bufio.NewReader(c).ReadString('\n')
			_ = c.Close()
			if err == nil {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return err
}

func freePort(tb testing.TB) int {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func writeFile(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func groupName(tb testing.TB) string {
	g, err := user.LookupGroupId(strconv.Itoa(os.Getgid()))
	if err != nil {
		tb.Fatal(err)
	}
	return g.Name
}
