// Command certload is certcoach's load generator: it sends signed platform
// requests (e.g. Slack `/cert compare` slash commands) to a server on the
// loopback interface at a fixed concurrency for a bounded time, and prints
// requests/s, p50/p99 latency and, with -pid, the server's CPU time per
// request and peak RSS (from /proc).
//
//	certload -mode slack -url http://127.0.0.1:18080/slack/events -secret x -c 16 -d 10s -pid $(pgrep -n certcoach)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// config is what every mode's request builder may use.
type config struct {
	url    string
	secret string
	text   string
	users  int
}

// builder makes the n-th request of a run; each mode provides one.
type builder func(n int) (*http.Request, error)

// modes maps -mode values to their request builders.
var modes = map[string]func(config) (builder, error){
	"slack":   slackBuilder,
	"discord": discordBuilder,
}

const (
	maxDuration    = 10 * time.Minute
	maxConcurrency = 1024
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("certload", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var (
		mode  = fl.String("mode", "slack", "request kind: "+strings.Join(modeNames(), ", "))
		cfg   config
		conc  = fl.Int("c", 16, "concurrent connections (1-1024)")
		dur   = fl.Duration("d", 10*time.Second, "duration of the run (at most 10m)")
		pid   = fl.Int("pid", 0, "server process ID, to report its CPU time per request and peak RSS")
		warm  = fl.Duration("warmup", time.Second, "unmeasured warm-up before the run")
		limit = fl.Duration("timeout", 10*time.Second, "per-request timeout")
		dump  = fl.Bool("dump", false, "send one request, write the response body to stdout and exit (e.g. a ceiling's CEILING_BODY)")
	)
	fl.StringVar(&cfg.url, "url", "http://127.0.0.1:8080/slack/events", "target URL (loopback only)")
	fl.StringVar(&cfg.secret, "secret", os.Getenv("SLACK_SIGNING_SECRET"), "signing secret (default $SLACK_SIGNING_SECRET)")
	fl.StringVar(&cfg.text, "text", "compare", "command text")
	fl.IntVar(&cfg.users, "users", 1, "distinct user IDs to rotate through")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if *conc < 1 || *conc > maxConcurrency || *dur <= 0 || *dur > maxDuration || cfg.users < 1 {
		fmt.Fprintf(stderr, "certload: -c must be 1-%d, -d at most %v, -users at least 1\n", maxConcurrency, maxDuration)
		return 2
	}
	if err := loopbackOnly(cfg.url); err != nil {
		fmt.Fprintln(stderr, "certload:", err)
		return 2
	}
	newBuilder, ok := modes[*mode]
	if !ok {
		fmt.Fprintf(stderr, "certload: unknown -mode %q (have %s)\n", *mode, strings.Join(modeNames(), ", "))
		return 2
	}
	build, err := newBuilder(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "certload:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	client := &http.Client{Timeout: *limit, Transport: &http.Transport{
		MaxIdleConns: *conc, MaxIdleConnsPerHost: *conc, MaxConnsPerHost: *conc, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
	}}
	if *dump {
		return dumpOne(ctx, client, build, stdout, stderr)
	}
	if *warm > 0 {
		load(ctx, client, build, *conc, min(*warm, 10*time.Second))
	}
	cpu0, cpuErr := cpuTime(*pid)
	start := time.Now()
	res := load(ctx, client, build, *conc, *dur)
	elapsed := time.Since(start)
	cpu1, cpuErr1 := cpuTime(*pid)

	lat := res.latencies
	slices.Sort(lat)
	ok200 := len(lat)
	fmt.Fprintf(stdout, "mode=%s url=%s c=%d d=%v\n", *mode, cfg.url, *conc, elapsed.Round(time.Millisecond))
	fmt.Fprintf(stdout, "requests      %d ok, %d failed", ok200, res.failed)
	if res.firstErr != "" {
		fmt.Fprintf(stdout, " (first: %s)", res.firstErr)
	}
	fmt.Fprintln(stdout)
	if ok200 == 0 {
		return 1
	}
	fmt.Fprintf(stdout, "throughput    %.0f requests/s\n", float64(ok200)/elapsed.Seconds())
	fmt.Fprintf(stdout, "latency       p50 %v  p99 %v  max %v\n", pct(lat, 50), pct(lat, 99), lat[len(lat)-1])
	if *pid > 0 {
		if cpuErr != nil || cpuErr1 != nil {
			fmt.Fprintf(stdout, "server cpu    unavailable: %v\n", errors.Join(cpuErr, cpuErr1))
		} else {
			used := cpu1 - cpu0
			fmt.Fprintf(stdout, "server cpu    %v total, %.1f µs/request, %.0f%% of one core\n",
				used, float64(used.Microseconds())/float64(ok200+res.failed), 100*used.Seconds()/elapsed.Seconds())
		}
		if hwm, err := peakRSS(*pid); err == nil {
			fmt.Fprintf(stdout, "server rss    peak %s\n", hwm)
		}
	}
	if res.failed > 0 {
		return 1
	}
	return 0
}

// dumpOne sends one request and copies the response body to stdout.
func dumpOne(ctx context.Context, client *http.Client, build builder, stdout, stderr io.Writer) int {
	req, err := build(0)
	if err != nil {
		fmt.Fprintln(stderr, "certload:", err)
		return 1
	}
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		fmt.Fprintln(stderr, "certload:", err)
		return 1
	}
	defer resp.Body.Close()
	if _, err := io.Copy(stdout, resp.Body); err != nil {
		fmt.Fprintln(stderr, "certload:", err)
		return 1
	}
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "certload: status %d\n", resp.StatusCode)
		return 1
	}
	return 0
}

func modeNames() []string {
	var out []string
	for k := range modes {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// loopbackOnly refuses targets off this machine: certload is for measuring
// a local server, not for loading anyone else's.
func loopbackOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("target %q is not an http(s) URL", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("target host %q is not a loopback address (use 127.0.0.1, ::1 or localhost)", host)
}

type result struct {
	latencies []time.Duration
	failed    int
	firstErr  string
}

// load runs conc workers sending requests back to back until d has passed.
func load(ctx context.Context, client *http.Client, build builder, conc int, d time.Duration) result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu  sync.Mutex
		all result
		wg  sync.WaitGroup
		seq int64
	)
	next := func() int {
		mu.Lock()
		defer mu.Unlock()
		seq++
		return int(seq)
	}
	for range conc {
		wg.Go(func() {
			var mine result
			lat := make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				req, err := build(next())
				if err != nil {
					mine.fail(err.Error())
					return
				}
				t0 := time.Now()
				res, err := client.Do(req.WithContext(ctx))
				if err != nil {
					if ctx.Err() == nil {
						mine.fail(err.Error())
					}
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					mine.fail("HTTP " + strconv.Itoa(res.StatusCode))
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all.latencies = append(all.latencies, lat...)
			all.failed += mine.failed
			if all.firstErr == "" {
				all.firstErr = mine.firstErr
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	return all
}

func (r *result) fail(msg string) {
	r.failed++
	if r.firstErr == "" {
		r.firstErr = msg
	}
}

func pct(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)].Round(10 * time.Microsecond)
}

// clockTicks is USER_HZ, 100 on every Linux architecture Go supports.
const clockTicks = 100

// cpuTime reads utime+stime of a process from /proc/<pid>/stat.
func cpuTime(pid int) (time.Duration, error) {
	if pid <= 0 {
		return 0, nil
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read cpu time: %w", err)
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("read cpu time: short /proc/%d/stat", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	st, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("read cpu time: %w", err)
	}
	return time.Duration(ut+st) * time.Second / clockTicks, nil
}

// peakRSS reads VmHWM from /proc/<pid>/status.
func peakRSS(pid int) (string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "", fmt.Errorf("read peak rss: %w", err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", errors.New("read peak rss: no VmHWM")
}
