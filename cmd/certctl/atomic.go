package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// writeFileSync writes a new file and flushes it to disk.
func writeFileSync(path string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// errFileExists is returned by replaceFile when path exists and overwrite is false.
var errFileExists = errors.New("file exists")

// replaceFile puts data at path through a temporary file in the same folder and a
// rename, so path holds the old content or the new, never part of either. Without
// overwrite an existing path is left alone (errFileExists). perm is used for a new
// file; a replaced file keeps its mode.
func replaceFile(path string, data []byte, perm fs.FileMode, overwrite bool) error {
	if st, err := os.Stat(path); err == nil {
		if !overwrite {
			return errFileExists
		}
		perm = st.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if !overwrite {
		// Link fails if path appeared meanwhile, where rename would replace it.
		err := os.Link(tmp, path)
		switch {
		case err == nil:
			os.Remove(tmp)
			ok = true
			syncDir(dir)
			return nil
		case errors.Is(err, fs.ErrExist):
			return errFileExists
		}
		// No hard links (FAT USB sticks, where NPKI folders often live): check, then
		// rename.
		if _, err := os.Lstat(path); err == nil {
			return errFileExists
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	syncDir(dir)
	return nil
}

// syncDir flushes a folder's entries (the rename) where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
