package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
)

// ErrNotLoopback is returned (wrapped) when the target is not on this
// machine and remote targets were not allowed. The tool generates real load:
// pointed at somebody else's server by a typo or a stale environment
// variable it would be a denial-of-service tool, so loopback is the default
// and anything else takes an explicit --allow-remote.
var ErrNotLoopback = errors.New("target is not a loopback address (use --allow-remote to load a server elsewhere)")

// CheckURL validates a target URL: http or https, a host, and, unless
// allowRemote, a host that is "localhost" or whose every address is a
// loopback address (127.0.0.0/8, ::1). Every address and not just one,
// because the dialer may pick any of them. The dialer re-checks each
// connection (see loopbackOnly), which also closes the gap of a name that
// resolves differently between this check and the dial.
func CheckURL(ctx context.Context, raw string, allowRemote bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("loadgen: url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("loadgen: url %q: want an http:// or https:// URL", raw)
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("loadgen: url %q: no host", raw)
	}
	if allowRemote {
		return u, nil
	}
	if strings.EqualFold(host, "localhost") {
		return u, nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if !ip.Unmap().IsLoopback() {
			return nil, fmt.Errorf("loadgen: %s: %w", host, ErrNotLoopback)
		}
		return u, nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("loadgen: resolve %s: %w", host, err)
	}
	for _, a := range addrs {
		if !a.Unmap().IsLoopback() {
			return nil, fmt.Errorf("loadgen: %s resolves to %s: %w", host, a, ErrNotLoopback)
		}
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("loadgen: resolve %s: no addresses", host)
	}
	return u, nil
}

// loopbackOnly is a net.Dialer Control function refusing any connection to
// a non-loopback address, whatever a name resolved to and wherever a
// redirect or proxy setting would lead.
func loopbackOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("loadgen: dial %s: %w", address, err)
	}
	if !ip.Unmap().IsLoopback() {
		return fmt.Errorf("loadgen: dial %s: %w", address, ErrNotLoopback)
	}
	return nil
}
