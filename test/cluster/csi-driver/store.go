// The driver's state on disk: a directory per volume under the volumes root, and per snapshot a
// directory under the snapshots root with a copy of its volume (data/) and where it came from
// (info.json). Ids become path components, so each is checked before it is joined to a root.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"time"
)

// No separators and no leading dot: an id can neither leave its root nor name a staging directory.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

func validID(id string) bool { return idPattern.MatchString(id) }

var (
	errNotFound = errors.New("not found")
	errConflict = errors.New("the name is taken by a snapshot of another volume")
)

type snapshotInfo struct {
	ID             string    `json:"id"`
	SourceVolumeID string    `json:"sourceVolumeId"`
	CreatedAt      time.Time `json:"createdAt"`
	SizeBytes      int64     `json:"sizeBytes"`
}

// store serializes every change: the sidecars retry a slow call while the first one still copies.
type store struct {
	volumes   string
	snapshots string
	mu        sync.Mutex
}

func (s *store) volumeDir(id string) string   { return filepath.Join(s.volumes, id) }
func (s *store) snapshotDir(id string) string { return filepath.Join(s.snapshots, id) }

func isDir(path string) (bool, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil && info.IsDir(), err
}

func mustExist(dir string) error {
	exists, err := isDir(dir)
	if err == nil && !exists {
		return errNotFound
	}
	return err
}

// copyTree copies src to dst (which must not exist) with owners, modes, timestamps and xattrs:
// the instance's files belong to its uid, and a restored volume must give them back the same way.
func copyTree(src, dst string) error {
	if out, err := exec.Command("cp", "-a", "-T", src, dst).CombinedOutput(); err != nil {
		return fmt.Errorf("cp -a %s %s: %v: %s", src, dst, err, out)
	}
	return nil
}

// publish builds a directory under a staging name, then renames it into place, so that a crash or a
// failed copy never leaves a half-made volume or snapshot under its real name.
func publish(root, id string, build func(staging string) error) error {
	staging := filepath.Join(root, ".creating-"+id)
	if err := os.RemoveAll(staging); err != nil {
		return err
	}
	if err := build(staging); err != nil {
		_ = os.RemoveAll(staging)
		return err
	}
	return os.Rename(staging, filepath.Join(root, id))
}

// createVolume makes volume id, empty or as a copy of a snapshot's data; an existing one is kept.
func (s *store) createVolume(id, fromSnapshot string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if exists, err := isDir(s.volumeDir(id)); err != nil || exists {
		return err
	}
	if fromSnapshot == "" {
		return publish(s.volumes, id, func(staging string) error {
			if err := os.Mkdir(staging, 0o750); err != nil {
				return err
			}
			// Mkdir's mode passes through the umask.
			return os.Chmod(staging, 0o750)
		})
	}
	data := filepath.Join(s.snapshotDir(fromSnapshot), "data")
	if err := mustExist(data); err != nil {
		return err
	}
	return publish(s.volumes, id, func(staging string) error { return copyTree(data, staging) })
}

func (s *store) deleteVolume(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return os.RemoveAll(s.volumeDir(id))
}

// findVolume fails with errNotFound unless id is a valid id and its volume exists.
func (s *store) findVolume(id string) error {
	if !validID(id) {
		return errNotFound
	}
	return mustExist(s.volumeDir(id))
}

func treeSize(dir string) (int64, error) {
	var size int64
	err := filepath.WalkDir(dir, func(_ string, entry fs.DirEntry, err error) error {
		if err != nil || !entry.Type().IsRegular() {
			return err
		}
		info, err := entry.Info()
		if err == nil {
			size += info.Size()
		}
		return err
	})
	return size, err
}

// createSnapshot copies volume volumeID into snapshot id; taking it again returns the first one.
func (s *store) createSnapshot(id, volumeID string) (snapshotInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if info, err := s.readSnapshot(id); err == nil {
		if info.SourceVolumeID != volumeID {
			return snapshotInfo{}, errConflict
		}
		return info, nil
	} else if !errors.Is(err, errNotFound) {
		return snapshotInfo{}, err
	}
	if err := mustExist(s.volumeDir(volumeID)); err != nil {
		return snapshotInfo{}, err
	}
	info := snapshotInfo{ID: id, SourceVolumeID: volumeID, CreatedAt: time.Now().UTC()}
	err := publish(s.snapshots, id, func(staging string) error {
		if err := os.Mkdir(staging, 0o700); err != nil {
			return err
		}
		data := filepath.Join(staging, "data")
		if err := copyTree(s.volumeDir(volumeID), data); err != nil {
			return err
		}
		size, err := treeSize(data)
		if err != nil {
			return err
		}
		info.SizeBytes = size
		encoded, err := json.Marshal(info)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(staging, "info.json"), encoded, 0o600)
	})
	return info, err
}

func (s *store) deleteSnapshot(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return os.RemoveAll(s.snapshotDir(id))
}

func (s *store) readSnapshot(id string) (snapshotInfo, error) {
	encoded, err := os.ReadFile(filepath.Join(s.snapshotDir(id), "info.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return snapshotInfo{}, errNotFound
	}
	if err != nil {
		return snapshotInfo{}, err
	}
	var info snapshotInfo
	if err := json.Unmarshal(encoded, &info); err != nil {
		return snapshotInfo{}, fmt.Errorf("snapshot %s: %w", id, err)
	}
	return info, nil
}

// listSnapshots returns every snapshot, ordered by id (ReadDir sorts), so a listing pages by position.
func (s *store) listSnapshots() ([]snapshotInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	entries, err := os.ReadDir(s.snapshots)
	if err != nil {
		return nil, err
	}
	infos := []snapshotInfo{}
	for _, entry := range entries {
		if !entry.IsDir() || !validID(entry.Name()) {
			continue
		}
		info, err := s.readSnapshot(entry.Name())
		if err != nil {
			return nil, err
		}
		infos = append(infos, info)
	}
	return infos, nil
}
