//go:build !unix

package feeds

import (
	"fmt"
	"io/fs"
	"os"
)

// openNoFollow opens path for reading after checking it is not a symbolic
// link (without O_NOFOLLOW a swap between the two remains possible; the
// opened file is checked again by the caller).
func openNoFollow(path string) (*os.File, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		return nil, fmt.Errorf("%w: a symbolic link", errNotRegular)
	}
	return os.Open(path)
}

func links(fs.FileInfo) uint64 { return 1 }
