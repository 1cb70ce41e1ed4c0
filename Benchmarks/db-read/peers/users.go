// GET /api/users/[id] on SQLite with Go's net/http/fcgi and database/sql (Debian's mattn/go-sqlite3, which links
// the system libsqlite3 as the Swift app and PHP do). Answers the Swift example app's JSON bytes: keys sorted,
// {"email":...,"id":...,"name":...}.
// Build: GOPATH=/usr/share/gocode GO111MODULE=off go build -o users-go users.go
// Run: users-go <socket> <database file>
package main

import (
	"database/sql"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/fcgi"
	"os"
	"strconv"
	"strings"

	_ "github.com/mattn/go-sqlite3"
)

type user struct {
	Email string `json:"email"`
	ID    int64  `json:"id"`
	Name  string `json:"name"`
}

func main() {
	db, err := sql.Open("sqlite3", "file:"+os.Args[2]+"?_busy_timeout=5000")
	if err != nil {
		panic(err)
	}
	find, err := db.Prepare("SELECT id, name, email FROM users WHERE id = ?")
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/users/", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/api/users/"), 10, 64)
		if err != nil || id <= 0 || r.Method != http.MethodGet {
			http.Error(w, `{"detail":"not found"}`, http.StatusNotFound)
			return
		}
		var u user
		err = find.QueryRow(id).Scan(&u.ID, &u.Name, &u.Email)
		if errors.Is(err, sql.ErrNoRows) {
			http.Error(w, `{"detail":"not found"}`, http.StatusNotFound)
			return
		} else if err != nil {
			http.Error(w, `{"detail":"database error"}`, http.StatusInternalServerError)
			return
		}
		body, _ := json.Marshal(u)
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	listener, err := net.Listen("unix", os.Args[1])
	if err != nil {
		panic(err)
	}
	os.Chmod(os.Args[1], 0660)
	fcgi.Serve(listener, mux)
}
