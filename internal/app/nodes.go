package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"time"

	"github.com/certcenter/certcenter/internal/model"
)

// nodeBeat is how often a node records that it is alive (the operator's console lists
// the nodes seen and which one holds the revocation publisher lock).
const nodeBeat = 15 * time.Second

// nodeForget is how long a node not seen stays in the list.
const nodeForget = 7 * 24 * time.Hour

// nodeHeartbeat is the job that records this node in the nodes table every nodeBeat,
// with whether it holds the publisher lock, and forgets nodes long gone.
func (a *App) nodeHeartbeat() Job {
	var idb [6]byte
	rand.Read(idb[:])
	host, _ := os.Hostname()
	n := model.Node{ID: "node_" + hex.EncodeToString(idb[:]), Host: host, PID: os.Getpid(), StartedAt: a.Now()}
	return Job{Name: "node-heartbeat", Run: func(ctx context.Context) {
		t := time.NewTicker(nodeBeat)
		defer t.Stop()
		for {
			n.LastSeenAt = a.Now()
			leader := a.Revocation != nil && a.Revocation.Leader()
			if err := a.Store.NodeSeen(ctx, n, leader); err != nil && ctx.Err() == nil {
				a.Log.Warn("node heartbeat", "err", err)
			}
			if err := a.Store.PruneNodes(ctx, n.LastSeenAt.Add(-nodeForget)); err != nil && ctx.Err() == nil {
				a.Log.Warn("node heartbeat: forget old nodes", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}}
}
