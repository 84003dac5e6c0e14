// kstatus prints the verdict of sigs.k8s.io/cli-utils' kstatus (status.Compute, the library Flux's
// kustomize-controller and kpt use) for Kubernetes objects read as JSON from stdin: one object, a List
// (its items), or several objects one after another. One JSON line per object on stdout:
//
//	{"kind":"SendingIp","namespace":"mail","name":"mx1","status":"Failed","message":"..."}
//
// The integration tests use it so that what they assert is kstatus's own answer, not a restatement of it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type verdict struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Message   string `json:"message"`
}

func main() {
	decoder := json.NewDecoder(bufio.NewReader(os.Stdin))
	out := json.NewEncoder(os.Stdout)
	for {
		var raw json.RawMessage
		if err := decoder.Decode(&raw); err == io.EOF {
			return
		} else if err != nil {
			fail("reading JSON from stdin: %v", err)
		}
		// apimachinery's decoder keeps integers as int64: kstatus refuses float64 generations
		var object map[string]interface{}
		if err := utiljson.Unmarshal(raw, &object); err != nil {
			fail("decoding an object: %v", err)
		}
		items, isList := object["items"].([]interface{})
		if !isList {
			items = []interface{}{object}
		}
		for _, item := range items {
			fields, ok := item.(map[string]interface{})
			if !ok {
				fail("a list item is not an object")
			}
			if err := print(out, &unstructured.Unstructured{Object: fields}); err != nil {
				fail("%v", err)
			}
		}
	}
}

func print(out *json.Encoder, u *unstructured.Unstructured) error {
	result, err := status.Compute(u)
	if err != nil {
		return fmt.Errorf("kstatus cannot compute the status of %s %s/%s: %v", u.GetKind(), u.GetNamespace(), u.GetName(), err)
	}
	return out.Encode(verdict{Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName(),
		Status: result.Status.String(), Message: result.Message})
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "kstatus: "+format+"\n", args...)
	os.Exit(2)
}
