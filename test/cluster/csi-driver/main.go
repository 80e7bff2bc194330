// csi-hostpath: a CSI driver for the test cluster's real node whose volumes and snapshots are
// directories on this machine, run beside the upstream csi-provisioner, csi-snapshotter and
// snapshot-controller (scripts/lib/csi.sh). One process serves the CSI services and the kubelet's
// plugin registration.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc"
	registration "k8s.io/kubelet/pkg/apis/pluginregistration/v1"
)

type options struct {
	endpoint, registrationSocket, nodeID, volumesRoot, snapshotsRoot string
}

func parseFlags() (options, error) {
	var o options
	flag.StringVar(&o.endpoint, "endpoint", "", "path of the CSI socket")
	flag.StringVar(&o.registrationSocket, "registration-socket", "", "path of the kubelet registration socket, in <kubelet root>/plugins_registry/")
	flag.StringVar(&o.nodeID, "node-id", "", "name of the node this driver runs on")
	flag.StringVar(&o.volumesRoot, "volumes-root", "", "directory that holds a directory per volume")
	flag.StringVar(&o.snapshotsRoot, "snapshots-root", "", "directory that holds a directory per snapshot")
	flag.Parse()
	if o.nodeID == "" {
		return o, errors.New("--node-id is required")
	}
	for _, path := range []struct{ flag, value string }{
		{"endpoint", o.endpoint}, {"registration-socket", o.registrationSocket},
		{"volumes-root", o.volumesRoot}, {"snapshots-root", o.snapshotsRoot},
	} {
		if !filepath.IsAbs(path.value) {
			return o, fmt.Errorf("--%s must be an absolute path", path.flag)
		}
	}
	return o, nil
}

// listen opens a unix socket at path; a socket left by a killed run is removed first.
func listen(path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return net.Listen("unix", path)
}

func logCalls(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	resp, err := handler(ctx, req)
	if err != nil {
		log.Printf("%s: %v", info.FullMethod, err)
	} else {
		log.Printf("%s: ok", info.FullMethod)
	}
	return resp, err
}

func run() error {
	o, err := parseFlags()
	if err != nil {
		return err
	}
	for _, root := range []string{o.volumesRoot, o.snapshotsRoot} {
		if err := os.MkdirAll(root, 0o700); err != nil {
			return err
		}
	}
	volumes := &store{volumes: o.volumesRoot, snapshots: o.snapshotsRoot}

	csiSocket, err := listen(o.endpoint)
	if err != nil {
		return err
	}
	csiServer := grpc.NewServer(grpc.UnaryInterceptor(logCalls))
	csi.RegisterIdentityServer(csiServer, identity{})
	csi.RegisterControllerServer(csiServer, &controller{store: volumes})
	csi.RegisterNodeServer(csiServer, &node{store: volumes, nodeID: o.nodeID})

	// Opened second: the kubelet talks CSI the moment it sees this socket.
	registrationSocket, err := listen(o.registrationSocket)
	if err != nil {
		return err
	}
	registrationServer := grpc.NewServer(grpc.UnaryInterceptor(logCalls))
	registration.RegisterRegistrationServer(registrationServer, registrar{endpoint: o.endpoint})

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	served := make(chan error, 2)
	go func() { served <- csiServer.Serve(csiSocket) }()
	go func() { served <- registrationServer.Serve(registrationSocket) }()
	log.Printf("%s serving CSI on %s, registration on %s", driverName, o.endpoint, o.registrationSocket)

	select {
	case err = <-served:
	case <-ctx.Done():
		log.Printf("stopping")
	}
	// GracefulStop closes the listeners, which removes both sockets: the kubelet unregisters.
	registrationServer.GracefulStop()
	csiServer.GracefulStop()
	return err
}

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	if err := run(); err != nil {
		log.Fatal(err)
	}
}
