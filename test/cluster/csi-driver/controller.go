// The CSI Controller service: volumes and snapshots as directories (store.go), for
// csi-provisioner and csi-snapshotter. Errors use the codes the CSI spec gives each call.
package main

import (
	"context"
	"errors"
	"strconv"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"
)

type controller struct {
	csi.UnimplementedControllerServer
	store *store
}

// Only filesystem volumes: a directory cannot be handed out as a block device. Every access mode
// is fine, since the test cluster has a single node that mounts volumes.
func checkCapabilities(capabilities []*csi.VolumeCapability) error {
	if len(capabilities) == 0 {
		return status.Error(codes.InvalidArgument, "volume capabilities are required")
	}
	for _, capability := range capabilities {
		if capability.GetMount() == nil {
			return status.Error(codes.InvalidArgument, "only filesystem (mount) volumes are supported")
		}
	}
	return nil
}

func storeError(err error, what string) error {
	switch {
	case errors.Is(err, errNotFound):
		return status.Errorf(codes.NotFound, "%s does not exist", what)
	case errors.Is(err, errConflict):
		return status.Error(codes.AlreadyExists, err.Error())
	default:
		return status.Error(codes.Internal, err.Error())
	}
}

func (c *controller) CreateVolume(_ context.Context, req *csi.CreateVolumeRequest) (*csi.CreateVolumeResponse, error) {
	if !validID(req.GetName()) {
		return nil, status.Errorf(codes.InvalidArgument, "volume name %q is not a valid id", req.GetName())
	}
	if err := checkCapabilities(req.GetVolumeCapabilities()); err != nil {
		return nil, err
	}
	source := req.GetVolumeContentSource()
	fromSnapshot := ""
	if source != nil {
		if source.GetSnapshot() == nil {
			return nil, status.Error(codes.InvalidArgument, "volumes can only be made from snapshots")
		}
		fromSnapshot = source.GetSnapshot().GetSnapshotId()
		if !validID(fromSnapshot) {
			return nil, status.Errorf(codes.NotFound, "snapshot %q does not exist", fromSnapshot)
		}
	}
	if err := c.store.createVolume(req.GetName(), fromSnapshot); err != nil {
		return nil, storeError(err, "snapshot "+fromSnapshot)
	}
	// The provisioner fails a restore whose answer does not name its source again.
	return &csi.CreateVolumeResponse{Volume: &csi.Volume{
		VolumeId:      req.GetName(),
		CapacityBytes: req.GetCapacityRange().GetRequiredBytes(),
		ContentSource: source,
	}}, nil
}

// An id this driver could never have made names no volume, and deleting nothing succeeds.
func (c *controller) DeleteVolume(_ context.Context, req *csi.DeleteVolumeRequest) (*csi.DeleteVolumeResponse, error) {
	if req.GetVolumeId() == "" {
		return nil, status.Error(codes.InvalidArgument, "volume id is required")
	}
	if validID(req.GetVolumeId()) {
		if err := c.store.deleteVolume(req.GetVolumeId()); err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
	}
	return &csi.DeleteVolumeResponse{}, nil
}

func (c *controller) ValidateVolumeCapabilities(_ context.Context, req *csi.ValidateVolumeCapabilitiesRequest) (*csi.ValidateVolumeCapabilitiesResponse, error) {
	if req.GetVolumeId() == "" || len(req.GetVolumeCapabilities()) == 0 {
		return nil, status.Error(codes.InvalidArgument, "volume id and capabilities are required")
	}
	if err := c.store.findVolume(req.GetVolumeId()); err != nil {
		return nil, storeError(err, "volume "+req.GetVolumeId())
	}
	if err := checkCapabilities(req.GetVolumeCapabilities()); err != nil {
		return &csi.ValidateVolumeCapabilitiesResponse{Message: status.Convert(err).Message()}, nil
	}
	return &csi.ValidateVolumeCapabilitiesResponse{Confirmed: &csi.ValidateVolumeCapabilitiesResponse_Confirmed{
		VolumeCapabilities: req.GetVolumeCapabilities(),
	}}, nil
}

func snapshotOf(info snapshotInfo) *csi.Snapshot {
	return &csi.Snapshot{
		SnapshotId:     info.ID,
		SourceVolumeId: info.SourceVolumeID,
		SizeBytes:      info.SizeBytes,
		CreationTime:   timestamppb.New(info.CreatedAt),
		ReadyToUse:     true,
	}
}

func (c *controller) CreateSnapshot(_ context.Context, req *csi.CreateSnapshotRequest) (*csi.CreateSnapshotResponse, error) {
	if !validID(req.GetName()) {
		return nil, status.Errorf(codes.InvalidArgument, "snapshot name %q is not a valid id", req.GetName())
	}
	if !validID(req.GetSourceVolumeId()) {
		return nil, status.Errorf(codes.NotFound, "volume %q does not exist", req.GetSourceVolumeId())
	}
	info, err := c.store.createSnapshot(req.GetName(), req.GetSourceVolumeId())
	if err != nil {
		return nil, storeError(err, "volume "+req.GetSourceVolumeId())
	}
	return &csi.CreateSnapshotResponse{Snapshot: snapshotOf(info)}, nil
}

func (c *controller) DeleteSnapshot(_ context.Context, req *csi.DeleteSnapshotRequest) (*csi.DeleteSnapshotResponse, error) {
	if req.GetSnapshotId() == "" {
		return nil, status.Error(codes.InvalidArgument, "snapshot id is required")
	}
	if validID(req.GetSnapshotId()) {
		if err := c.store.deleteSnapshot(req.GetSnapshotId()); err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
	}
	return &csi.DeleteSnapshotResponse{}, nil
}

// ListSnapshots filters by snapshot id or source volume; its page token is a position in the list.
func (c *controller) ListSnapshots(_ context.Context, req *csi.ListSnapshotsRequest) (*csi.ListSnapshotsResponse, error) {
	all, err := c.store.listSnapshots()
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	var matching []snapshotInfo
	for _, info := range all {
		if (req.GetSnapshotId() == "" || info.ID == req.GetSnapshotId()) &&
			(req.GetSourceVolumeId() == "" || info.SourceVolumeID == req.GetSourceVolumeId()) {
			matching = append(matching, info)
		}
	}
	start := 0
	if req.GetStartingToken() != "" {
		start, err = strconv.Atoi(req.GetStartingToken())
		if err != nil || start < 0 || start > len(matching) {
			return nil, status.Errorf(codes.Aborted, "invalid starting token %q", req.GetStartingToken())
		}
	}
	end := len(matching)
	if req.GetMaxEntries() > 0 && start+int(req.GetMaxEntries()) < end {
		end = start + int(req.GetMaxEntries())
	}
	response := &csi.ListSnapshotsResponse{}
	for _, info := range matching[start:end] {
		response.Entries = append(response.Entries, &csi.ListSnapshotsResponse_Entry{Snapshot: snapshotOf(info)})
	}
	if end < len(matching) {
		response.NextToken = strconv.Itoa(end)
	}
	return response, nil
}

func (c *controller) ControllerGetCapabilities(context.Context, *csi.ControllerGetCapabilitiesRequest) (*csi.ControllerGetCapabilitiesResponse, error) {
	response := &csi.ControllerGetCapabilitiesResponse{}
	for _, rpc := range []csi.ControllerServiceCapability_RPC_Type{
		csi.ControllerServiceCapability_RPC_CREATE_DELETE_VOLUME,
		csi.ControllerServiceCapability_RPC_CREATE_DELETE_SNAPSHOT,
		csi.ControllerServiceCapability_RPC_LIST_SNAPSHOTS,
	} {
		response.Capabilities = append(response.Capabilities, &csi.ControllerServiceCapability{
			Type: &csi.ControllerServiceCapability_Rpc{Rpc: &csi.ControllerServiceCapability_RPC{Type: rpc}},
		})
	}
	return response, nil
}
