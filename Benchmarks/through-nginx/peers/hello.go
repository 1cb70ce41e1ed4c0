// Go's net/http/fcgi with the same two routes. Build: go build -o hello-go hello.go
package main

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/fcgi"
	"os"
	"strconv"
	"strings"
)

type userInput struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
}

type user struct {
	Email string `json:"email"`
	ID    int    `json:"id"`
	Name  string `json:"name"`
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"message":"Hello, World!"}`))
	})
	mux.HandleFunc("/api/users/", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/api/users/"))
		if err != nil || r.Method != http.MethodPut {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		var input userInput
		if err := json.NewDecoder(r.Body).Decode(&input); err != nil {
			http.Error(w, `{"detail":"invalid JSON"}`, http.StatusBadRequest)
			return
		}
		if input.Name == nil || *input.Name == "" || input.Email == nil || !strings.Contains(*input.Email, "@") {
			http.Error(w, `{"detail":"invalid field"}`, http.StatusUnprocessableEntity)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(user{Email: *input.Email, ID: id, Name: *input.Name})
	})
	listener, err := net.Listen("unix", os.Args[1])
	if err != nil {
		panic(err)
	}
	os.Chmod(os.Args[1], 0660)
	fcgi.Serve(listener, mux)
}
