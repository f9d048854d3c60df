package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

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
	now := store.Micro(o.s.now())
	ids := make([]int64, 0, len(ps))
	err := pgx.BeginFunc(ctx, o.s.pool, func(tx pgx.Tx) error {
		for _, p := range ps {
			var sighting any
			if p.SightingID != 0 {
				sighting = p.SightingID
			}
			var id int64
			err := tx.QueryRow(ctx, `INSERT INTO posts (sighting_id, platform, text, state, remote_id, url, error, created, updated, thread, part, idem_key)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11) RETURNING id`,
				sighting, p.Platform, p.Text, string(p.State), p.RemoteID, p.URL, p.Error, now, p.Thread, p.Part, p.Key).Scan(&id)
			if err != nil {
				var pe *pgconn.PgError
				if errors.As(err, &pe) && pe.Code == "23505" { // unique_violation
					return fmt.Errorf("store: post %d of thread %s: %w", p.Part, p.Thread, intel.ErrExists)
				}
				return fmt.Errorf("store: add post: %w", err)
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
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
		attempt := 0
		if state == store.PostSending {
			attempt = 1
		}
		_, err := tx.Exec(ctx, `UPDATE posts SET state = $1, remote_id = $2, url = $3, error = $4, updated = $5, attempts = attempts + $6 WHERE id = $7`,
			string(state), remoteID, url, errMsg, store.Micro(o.s.now()), attempt, id)
		if err != nil {
			return fmt.Errorf("store: post %d: %w", id, err)
		}
		return nil
	})
}

// Posts returns the posts f selects.
func (o outbox) Posts(ctx context.Context, f store.PostFilter) ([]store.Post, error) {
	q := `SELECT id, coalesce(sighting_id, 0), platform, text, state, remote_id, url, error, created, updated, thread, part, idem_key, attempts FROM posts`
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if f.State != "" {
		add("state = $?", string(f.State))
	}
	if f.Thread != "" {
		add("thread = $?", f.Thread)
	}
	if f.ThreadPrefix != "" {
		add("starts_with(thread, $?)", f.ThreadPrefix)
	}
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
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
		if err := rows.Scan(&p.ID, &p.SightingID, &p.Platform, &p.Text, &st, &p.RemoteID, &p.URL, &p.Error, &created, &updated,
			&p.Thread, &p.Part, &p.Key, &p.Attempts); err != nil {
			return nil, fmt.Errorf("store: posts: %w", err)
		}
		p.State, p.Created, p.Updated = store.PostState(st), utc(created), utc(updated)
		out = append(out, p)
	}
	return out, rows.Err()
}

// Claim moves a post to sending if it is as the caller read it.
func (o outbox) Claim(ctx context.Context, id int64, state store.PostState, attempts int) error {
	if err := store.CheckClaim(state); err != nil {
		return fmt.Errorf("store: post %d: %w", id, err)
	}
	tag, err := o.s.pool.Exec(ctx, `UPDATE posts SET state = 'sending', attempts = attempts + 1, error = '', updated = $1
		WHERE id = $2 AND state = $3 AND attempts = $4`, store.Micro(o.s.now()), id, string(state), attempts)
	if err != nil {
		return fmt.Errorf("store: post %d: %w", id, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var exists bool
	if err := o.s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM posts WHERE id = $1)`, id).Scan(&exists); err == nil && !exists {
		return fmt.Errorf("store: post %d: %w", id, intel.ErrNotFound)
	}
	return fmt.Errorf("store: post %d: %w", id, store.ErrClaimed)
}
