package loadgen

// LoopbackOnly exposes the dialer's guard to the external tests: it is the
// second line of defence and cannot be reached through a loopback test server.
var LoopbackOnly = loopbackOnly
