#!/bin/sh
# Makes the fake Azure's test CA and its server certificate (test material only, never trust it elsewhere).
# They are committed so that NODE_EXTRA_CA_CERTS=test/fake-azure/certs/ca.pem can be set before node starts.
# Rerun only if they must change: ./make-certs.sh (needs openssl). The CA key is thrown away afterwards,
# so nothing can issue further certificates under this CA.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
days=7305 # 20 years
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ca-key.pem" -out ca.pem -days "$days" \
  -subj "/CN=Fake Azure Test CA (test material only)" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out "$tmp/server.csr" -subj "/CN=localhost"
cat > "$tmp/ext.cnf" <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
EXT
openssl x509 -req -in "$tmp/server.csr" -CA ca.pem -CAkey "$tmp/ca-key.pem" -CAcreateserial \
  -CAserial "$tmp/ca.srl" -out server.pem -days "$days" -extfile "$tmp/ext.cnf"
openssl verify -CAfile ca.pem server.pem
