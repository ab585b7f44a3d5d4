// Command dump-gen produces real goroutine dumps for test/dump.test.ts.
//
// It leaks exactly N goroutines through each of four shapes, all on
// loopback, starts a fixed number of healthy goroutines that only look
// stuck, waits until every one of them is parked where the shape says,
// then writes its own goroutine profile twice (debug=1 and debug=2) and
// exits. Exiting is what stops the leaked goroutines: nothing here is meant
// to be cleaned up, because the point is to photograph the leak.
//
//	GO111MODULE=off GOPATH=$TMP:/usr/share/gocode go run main.go \
//	    -n 3 -debug1 d1.txt -debug2 d2.txt
//
// The shapes, and the rule of golint-leaks that describes each one:
//
//	leakSend  chan send after the owner returned       chan-send-leak
//	leakRecv  chan receive that is never satisfied     chan-recv-leak
//	leakHTTP  http.Client{} against a silent server    http-client-no-timeout
//	leakSSH   ssh.NewClientConn against a silent peer  ssh-handshake-no-deadline
//
// and the healthy ones, which no rule describes and the classifier must not
// call leaks (issue 16 item 6):
//
//	tickLoop   select on a ticker and a stop channel, healthy more than once
//	afterLoop  select on time.After and a stop channel in a loop
//
// They are a fixed number (healthy of each), so that growth between runs
// with different N is the leaks' alone.
//
// The test asserts exact groups and counts, so the program must not leave
// any other goroutine behind: servers accept on the main goroutine, and the
// settle loop below waits until the only goroutines are main plus 6*N
// plus the healthy ones.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// held keeps the server ends of the loopback connections reachable until
// the process exits: a collected net.Conn is closed by its finalizer, which
// would wake the blocked clients and dissolve the leak before the dump.
var held []net.Conn

// acceptTimeout bounds every wait on the network, so a broken environment
// fails the run instead of hanging the test.
const acceptTimeout = 10 * time.Second

// healthy is how many goroutines of each healthy shape run.
const healthy = 3

// stop is never closed: the process exits with the healthy loops running,
// as a service's dump catches them between ticks.
var stop = make(chan struct{})

func main() {
	n := flag.Int("n", 3, "goroutines to leak through each shape (1..100)")
	debug1 := flag.String("debug1", "", "write the debug=1 goroutine profile to this file")
	debug2 := flag.String("debug2", "", "write the debug=2 goroutine profile to this file")
	flag.Parse()
	if *n < 1 || *n > 100 || *debug1 == "" || *debug2 == "" {
		fmt.Fprintln(os.Stderr, "usage: dump-gen -n N -debug1 FILE -debug2 FILE (1 <= N <= 100)")
		os.Exit(2)
	}
	// Whatever goes wrong below, the process ends. A timer is not a
	// goroutine until it fires, so it does not show up in the dump.
	time.AfterFunc(60*time.Second, func() {
		fmt.Fprintln(os.Stderr, "dump-gen: gave up after 60s")
		os.Exit(3)
	})

	for i := 0; i < *n; i++ {
		leakSend()
		leakRecv()
	}
	for i := 0; i < healthy; i++ {
		go tickLoop(stop)
		go afterLoop(stop)
	}
	if err := leakHTTP(*n); err != nil {
		fail("http: %v", err)
	}
	if err := leakSSH(*n); err != nil {
		fail("ssh: %v", err)
	}
	if err := settle(*n); err != nil {
		fail("%v", err)
	}
	if err := writeProfile(*debug1, 1); err != nil {
		fail("%v", err)
	}
	if err := writeProfile(*debug2, 2); err != nil {
		fail("%v", err)
	}
	runtime.KeepAlive(held)
	os.Exit(0)
}

// leakSend starts a worker whose result is never read: the worker blocks on
// the send once leakSend has returned (incident 001, "no receiver").
func leakSend() {
	result := make(chan int)
	go func() {
		result <- 42
	}()
}

// leakRecv starts a worker that waits for input nobody sends (incident 001,
// "the forgotten sender").
func leakRecv() {
	input := make(chan int)
	go func() {
		v := <-input
		_ = v
	}()
}

// tickLoop does periodic work until stopped: between ticks it waits in a
// select, which is what a dump shows, and it is not blocked. The period is
// long so that the dump never catches it running, which would split the
// group by state.
func tickLoop(stop <-chan struct{}) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-stop:
			return
		}
	}
}

// afterLoop is the same loop written with time.After: every iteration waits
// at most an hour.
func afterLoop(stop <-chan struct{}) {
	for {
		select {
		case <-time.After(time.Hour):
		case <-stop:
			return
		}
	}
}

// leakHTTP issues n concurrent requests with a client that has no Timeout
// against a server that reads each request and never answers (incident
// 000). Each request dials its own connection, because no connection is
// ever returned to the idle pool, so we get n callers stuck in roundTrip
// and n pairs of persistConn read/write loops.
func leakHTTP(n int) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	client := &http.Client{}
	url := "http://" + ln.Addr().String() + "/slow"
	for i := 0; i < n; i++ {
		go func() {
			resp, err := client.Get(url)
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	return acceptAndHold(ln, n, true)
}

// leakSSH runs n SSH handshakes against a listener that accepts and never
// writes: each client sends its version line and waits for the server's
// forever, because ClientConfig.Timeout (unset here, and only a dial
// timeout anyway) does not cover the handshake (incident 002).
func leakSSH(n int) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	addr := ln.Addr().String()
	config := &ssh.ClientConfig{User: "leak", HostKeyCallback: ssh.InsecureIgnoreHostKey()}
	for i := 0; i < n; i++ {
		go func() {
			conn, err := net.DialTimeout("tcp", addr, acceptTimeout)
			if err != nil {
				return
			}
			c, chans, reqs, err := ssh.NewClientConn(conn, addr, config)
			if err == nil {
				ssh.NewClient(c, chans, reqs).Close()
			}
		}()
	}
	return acceptAndHold(ln, n, false)
}

// acceptAndHold accepts exactly n connections on the calling goroutine (so
// no accept loop is left in the dump) and keeps them open. With readRequest
// it also consumes each HTTP request header, which proves the client has
// finished writing and is now waiting for a response.
func acceptAndHold(ln net.Listener, n int, readRequest bool) error {
	if err := ln.(*net.TCPListener).SetDeadline(time.Now().Add(acceptTimeout)); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		held = append(held, c)
	}
	if !readRequest {
		return nil
	}
	for _, c := range held[len(held)-n:] {
		if err := c.SetReadDeadline(time.Now().Add(acceptTimeout)); err != nil {
			return err
		}
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return fmt.Errorf("reading request: %v", err)
			}
			if line == "\r\n" {
				break
			}
		}
	}
	return nil
}

// expected lists, per shape, the wait reason and a function that must be on
// the stack; settle waits until each appears on exactly n goroutines (the
// leaks) or healthy goroutines (fixed).
var expected = []struct {
	state, function string
	fixed           bool
}{
	{"chan send", "main.leakSend.func1(", false},
	{"chan receive", "main.leakRecv.func1(", false},
	{"select", "net/http.(*persistConn).roundTrip(", false},
	{"IO wait", "net/http.(*persistConn).readLoop(", false},
	{"select", "net/http.(*persistConn).writeLoop(", false},
	{"IO wait", "golang.org/x/crypto/ssh.readVersion(", false},
	{"select", "main.tickLoop(", true},
	{"select", "main.afterLoop(", true},
}

// settle polls the goroutine stacks until every shape is parked n times and
// nothing else is alive but main (dial helpers, for instance, exit shortly
// after delivering their connection).
func settle(n int) error {
	deadline := time.Now().Add(20 * time.Second)
	buf := make([]byte, 1<<20)
	for {
		stacks := string(buf[:runtime.Stack(buf, true)])
		counts, total := countStates(stacks)
		want := 1
		ok := true
		for i, e := range expected {
			c := n
			if e.fixed {
				c = healthy
			}
			want += c
			if counts[i] != c {
				ok = false
			}
		}
		if total != want {
			ok = false
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("goroutines did not settle: counts %v, total %d\n%s", counts, total, stacks)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// countStates counts, for each expected shape, the goroutines in that state
// with that function on their stack, and the number of goroutines overall.
func countStates(stacks string) ([]int, int) {
	counts := make([]int, len(expected))
	blocks := strings.Split(strings.TrimSpace(stacks), "\n\n")
	for _, b := range blocks {
		header := b
		if i := strings.IndexByte(b, '\n'); i >= 0 {
			header = b[:i]
		}
		for i, e := range expected {
			if strings.Contains(header, "["+e.state+"]") && strings.Contains(b, "\n"+e.function) {
				counts[i]++
			}
		}
	}
	return counts, len(blocks)
}

// writeProfile writes the goroutine profile straight to the file, as a
// service's /debug/pprof/goroutine handler would write it to the response.
func writeProfile(path string, debug int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("goroutine").WriteTo(f, debug); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "dump-gen: "+format+"\n", args...)
	os.Exit(1)
}
