#!/bin/sh
# The shell baseline: a CGI hello in POSIX sh (dash on Debian) that reads name= from QUERY_STRING.
name=World
case $QUERY_STRING in name=*) name=${QUERY_STRING#name=}; name=${name%%&*} ;; esac
body="Hello, $name!"
printf 'Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %s\r\n\r\n%s' "${#body}" "$body"
