package sqlite

import (
	"context"
	"database/sql"
	"fmt"

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
	now := micros(store.Micro(o.s.now()))
	var id int64
	err = o.s.db.QueryRowContext(ctx, `INSERT INTO posts (sighting_id, platform, text, state, remote_id, url, error, created, updated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sighting, p.Platform, p.Text, string(p.State), p.RemoteID, p.URL, p.Error, now, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: add post: %w", err)
	}
	return id, nil
}

// SetPostState moves a post to state.
func (o outbox) SetPostState(ctx context.Context, id int64, state store.PostState, remoteID, url, errMsg string) error {
	tx, err := o.s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer tx.Rollback()
	var from string
	switch err := tx.QueryRowContext(ctx, `SELECT state FROM posts WHERE id = ?`, id).Scan(&from); {
	case isNoRows(err):
		return fmt.Errorf("store: post %d: %w", id, intel.ErrNotFound)
	case err != nil:
		return fmt.Errorf("store: %w", err)
	}
	if err := store.CheckTransition(store.PostState(from), state); err != nil {
		return fmt.Errorf("store: post %d: %w", id, err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE posts SET state = ?, remote_id = ?, url = ?, error = ?, updated = ? WHERE id = ?`,
		string(state), remoteID, url, errMsg, micros(store.Micro(o.s.now())), id)
	if err != nil {
		return fmt.Errorf("store: post %d: %w", id, err)
	}
	return tx.Commit()
}

// Posts returns the posts in state, oldest first.
func (o outbox) Posts(ctx context.Context, state store.PostState) ([]store.Post, error) {
	q := `SELECT id, sighting_id, platform, text, state, remote_id, url, error, created, updated FROM posts`
	var args []any
	if state != "" {
		q, args = q+" WHERE state = ?", append(args, string(state))
	}
	rows, err := o.s.db.QueryContext(ctx, q+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: posts: %w", err)
	}
	defer rows.Close()
	var out []store.Post
	for rows.Next() {
		var p store.Post
		var sighting sql.NullInt64
		var st string
		var created, updated int64
		if err := rows.Scan(&p.ID, &sighting, &p.Platform, &p.Text, &st, &p.RemoteID, &p.URL, &p.Error, &created, &updated); err != nil {
			return nil, fmt.Errorf("store: posts: %w", err)
		}
		p.SightingID, p.State = sighting.Int64, store.PostState(st)
		p.Created, p.Updated = fromMicros(created), fromMicros(updated)
		out = append(out, p)
	}
	return out, rows.Err()
}
