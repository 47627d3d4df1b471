package faults

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsbrief/newsbrief/pkg/bus"
)

// writeCerts makes a CA, a server certificate for 127.0.0.1 and a client
// certificate, as PEM files in dir.
func writeCerts(t *testing.T, dir string) (ca, srvCert, srvKey, cliCert, cliKey string) {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	caKey := key()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "newsbrief test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	ca = write("ca.pem", "CERTIFICATE", caDER)
	leaf := func(name string, serial int64, usage x509.ExtKeyUsage) (string, string) {
		k := key()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kder, _ := x509.MarshalECPrivateKey(k)
		return write(name+".pem", "CERTIFICATE", der), write(name+"-key.pem", "EC PRIVATE KEY", kder)
	}
	srvCert, srvKey = leaf("server", 2, x509.ExtKeyUsageServerAuth)
	cliCert, cliKey = leaf("client", 3, x509.ExtKeyUsageClientAuth)
	return
}

// TestNATSTLSAndPassword: a NATS server that wants mutual TLS and a
// password; a worker given NATS_CA, NATS_CERT, NATS_KEY, NATS_USER and
// NATS_PASSWORD connects and works; one without the client certificate
// does not get in.
func TestNATSTLSAndPassword(t *testing.T) {
	dir := t.TempDir()
	ca, sc, sk, cc, ck := writeCerts(t, dir)
	_, url := natsServer(t, "nats-tls", fmt.Sprintf(`tls { cert_file: %q, key_file: %q, ca_file: %q, verify: true, timeout: 2 }
authorization { user: newsbrief, password: %q }`, sc, sk, ca, secretNATS))
	url = strings.Replace(url, "nats://", "tls://", 1)
	tlsEnv := []string{"NATS_CA=" + ca, "NATS_CERT=" + cc, "NATS_KEY=" + ck, "NATS_USER=newsbrief", "NATS_PASSWORD=" + secretNATS}
	ps := workers(t, url, tlsEnv...)
	for _, p := range ps {
		waitHTTP(t, p.http+"/readyz", 30*time.Second)
	}
	b := connect(t, url, func(c *bus.Config) {
		c.CA, c.Cert, c.Key, c.User, c.Password = ca, cc, ck, "newsbrief", secretNATS
	})
	arts := corpus(t, 10, "tls")
	submitNATS(t, b, arts)
	waitSettled(t, b, ids(arts), 60*time.Second)
	r := check(t, b, ids(arts))
	for name, p := range ps {
		if strings.Contains(p.output(), secretNATS) {
			t.Errorf("%s logged the NATS password", name)
		}
	}
	// Without a client certificate the server refuses the worker.
	noCert := start(t, "ingest-nocert", bin("ingest"), workerEnv(url, fmt.Sprintf("NEWSBRIEF_HTTP_ADDR=127.0.0.1:%d", freePort(t)),
		"NATS_CA="+ca, "NATS_USER=newsbrief", "NATS_PASSWORD="+secretNATS))
	time.Sleep(3 * time.Second)
	if out := noCert.output(); strings.Contains(out, "stage running") {
		t.Errorf("a worker without a client certificate got in:\n%s", tail(out, 10))
	}
	result(t, r)
}
