package config

import (
	"reflect"
	"testing"
	"time"
)

func TestPprofAddressMustBeLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:6060": true, "[::1]:6060": true, "localhost:6060": true, "127.0.0.2:1": true,
		"0.0.0.0:6060": false, ":6060": false, "10.0.0.1:6060": false, "example.com:6060": false, "6060": false,
	} {
		if err := validatePprofAddress(addr); (err == nil) != ok {
			t.Errorf("%q: error %v, want ok=%v", addr, err, ok)
		}
	}
}

func TestServerSettings(t *testing.T) {
	good := Server{Address: DefaultAddress, ReadTimeout: DefaultReadTimeout, IdleTimeout: DefaultIdleTimeout}
	if err := good.validate(); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]Server{
		"no address":       {Address: " , ", ReadTimeout: time.Second, IdleTimeout: time.Second},
		"negative cap":     {Address: ":1", MaxConnections: -1, ReadTimeout: time.Second, IdleTimeout: time.Second},
		"bare-number read": {Address: ":1", ReadTimeout: 10, IdleTimeout: time.Second},
		"no read timeout":  {Address: ":1", IdleTimeout: time.Second},
		"bare-number idle": {Address: ":1", ReadTimeout: time.Second, IdleTimeout: 60},
	} {
		if s.validate() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	s := Server{Address: "127.0.0.1:8000, :8001,8002"}
	if got := s.Addresses(); !reflect.DeepEqual(got, []string{"127.0.0.1:8000", ":8001", ":8002"}) {
		t.Errorf("addresses %v", got)
	}
}
