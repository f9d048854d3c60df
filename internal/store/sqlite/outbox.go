package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/iocast/iocast/intel"
	"github.com/iocast/iocast/internal/store"
)

// Outbox returns the store's outbox.
func (s *Store) Outbox() store.Outbox { return outbox{s} }

type outbox struct{ s *Store }

// AddPost stores a new post.
func (o outbox) AddPost(ctx context.Context, p store.Post) (int64, error) {
	ids, err := o.AddPosts(ctx, []store.Post{p})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// AddPosts stores posts in one transaction.
func (o outbox) AddPosts(ctx context.Context, ps []store.Post) ([]int64, error) {
	for i, p := range ps {
		p, err := store.CheckPost(p)
		if err != nil {
			return nil, err
		}
		ps[i] = p
	}
	tx, err := o.s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer tx.Rollback()
	now := micros(store.Micro(o.s.now()))
	ids := make([]int64, 0, len(ps))
	for _, p := range ps {
		var sighting any
		if p.SightingID != 0 {
			sighting = p.SightingID
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO posts (sighting_id, platform, text, state, remote_id, url, error, created, updated, thread, part, idem_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			sighting, p.Platform, p.Text, string(p.State), p.RemoteID, p.URL, p.Error, now, now, p.Thread, p.Part, p.Key).Scan(&id)
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE constraint failed") {
				return nil, fmt.Errorf("store: post %d of thread %s: %w", p.Part, p.Thread, intel.ErrExists)
			}
			return nil, fmt.Errorf("store: add post: %w", err)
		}
		ids = append(ids, id)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: add posts: %w", err)
	}
	return ids, nil
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
	attempt := 0
	if state == store.PostSending {
		attempt = 1
	}
	_, err = tx.ExecContext(ctx, `UPDATE posts SET state = ?, remote_id = ?, url = ?, error = ?, updated = ?, attempts = attempts + ? WHERE id = ?`,
		string(state), remoteID, url, errMsg, micros(store.Micro(o.s.now())), attempt, id)
	if err != nil {
		return fmt.Errorf("store: post %d: %w", id, err)
	}
	return tx.Commit()
}

// Posts returns the posts f selects.
func (o outbox) Posts(ctx context.Context, f store.PostFilter) ([]store.Post, error) {
	q := `SELECT id, sighting_id, platform, text, state, remote_id, url, error, created, updated, thread, part, idem_key, attempts FROM posts`
	var where []string
	var args []any
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, string(f.State))
	}
	if f.Thread != "" {
		where, args = append(where, "thread = ?"), append(args, f.Thread)
	}
	if f.ThreadPrefix != "" {
		where, args = append(where, "substr(thread, 1, ?) = ?"), append(args, len(f.ThreadPrefix), f.ThreadPrefix)
	}
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
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
		if err := rows.Scan(&p.ID, &sighting, &p.Platform, &p.Text, &st, &p.RemoteID, &p.URL, &p.Error, &created, &updated,
			&p.Thread, &p.Part, &p.Key, &p.Attempts); err != nil {
			return nil, fmt.Errorf("store: posts: %w", err)
		}
		p.SightingID, p.State = sighting.Int64, store.PostState(st)
		p.Created, p.Updated = fromMicros(created), fromMicros(updated)
		out = append(out, p)
	}
	return out, rows.Err()
}

// Claim moves a post to sending if it is as the caller read it.
func (o outbox) Claim(ctx context.Context, id int64, state store.PostState, attempts int) error {
	if err := store.CheckClaim(state); err != nil {
		return fmt.Errorf("store: post %d: %w", id, err)
	}
	res, err := o.s.db.ExecContext(ctx, `UPDATE posts SET state = 'sending', attempts = attempts + 1, error = '', updated = ?
		WHERE id = ? AND state = ? AND attempts = ?`, micros(store.Micro(o.s.now())), id, string(state), attempts)
	if err != nil {
		return fmt.Errorf("store: post %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var exists int
	if err := o.s.db.QueryRowContext(ctx, `SELECT count(*) FROM posts WHERE id = ?`, id).Scan(&exists); err == nil && exists == 0 {
		return fmt.Errorf("store: post %d: %w", id, intel.ErrNotFound)
	}
	return fmt.Errorf("store: post %d: %w", id, store.ErrClaimed)
}
