package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// Outbox returns the store's outbox.
func (s *Store) Outbox() store.Outbox { return outbox{s} }

type outbox struct{ s *Store }

// AddPost stores a new post.
func (o outbox) AddPost(ctx context.Context, p store.Post) (int64, error) {
	p, err := store.CheckPost(p)
	if err != nil {
		return 0, err
	}
	var sighting any
	if p.SightingID != 0 {
		sighting = p.SightingID
	}
	now := store.Micro(o.s.now())
	var id int64
	err = o.s.pool.QueryRow(ctx, `INSERT INTO posts (sighting_id, platform, text, state, remote_id, url, error, created, updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
		sighting, p.Platform, p.Text, string(p.State), p.RemoteID, p.URL, p.Error, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: add post: %w", err)
	}
	return id, nil
}

// SetPostState moves a post to state, locking its row.
func (o outbox) SetPostState(ctx context.Context, id int64, state store.PostState, remoteID, url, errMsg string) error {
	return pgx.BeginFunc(ctx, o.s.pool, func(tx pgx.Tx) error {
		var from string
		switch err := tx.QueryRow(ctx, `SELECT state FROM posts WHERE id = $1 FOR UPDATE`, id).Scan(&from); {
		case errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("store: post %d: %w", id, intel.ErrNotFound)
		case err != nil:
			return fmt.Errorf("store: %w", err)
		}
		if err := store.CheckTransition(store.PostState(from), state); err != nil {
			return fmt.Errorf("store: post %d: %w", id, err)
		}
		_, err := tx.Exec(ctx, `UPDATE posts SET state = $1, remote_id = $2, url = $3, error = $4, updated = $5 WHERE id = $6`,
			string(state), remoteID, url, errMsg, store.Micro(o.s.now()), id)
		if err != nil {
			return fmt.Errorf("store: post %d: %w", id, err)
		}
		return nil
	})
}

// Posts returns the posts in state, oldest first.
func (o outbox) Posts(ctx context.Context, state store.PostState) ([]store.Post, error) {
	q := `SELECT id, coalesce(sighting_id, 0), platform, text, state, remote_id, url, error, created, updated FROM posts`
	var args []any
	if state != "" {
		q, args = q+" WHERE state = $1", append(args, string(state))
	}
	rows, err := o.s.pool.Query(ctx, q+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: posts: %w", err)
	}
	defer rows.Close()
	var out []store.Post
	for rows.Next() {
		var p store.Post
		var st string
		var created, updated time.Time
		if err := rows.Scan(&p.ID, &p.SightingID, &p.Platform, &p.Text, &st, &p.RemoteID, &p.URL, &p.Error, &created, &updated); err != nil {
			return nil, fmt.Errorf("store: posts: %w", err)
		}
		p.State, p.Created, p.Updated = store.PostState(st), utc(created), utc(updated)
		out = append(out, p)
	}
	return out, rows.Err()
}
