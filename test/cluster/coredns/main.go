// The test cluster's DNS: CoreDNS with only the plugins its Corefile uses (test/cluster/coredns.yaml).
// Linking every upstream plugin (cloud DNS providers, etcd, dnstap...) would triple a cold build.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/ready"
)

func init() {
	// The order plugins run in; upstream's plugin.cfg gives it for the full set.
	dnsserver.Directives = []string{"ready", "health", "errors", "cache", "kubernetes", "loop", "forward"}
}

func main() {
	coremain.Run()
}
