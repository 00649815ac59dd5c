package uring_test

import (
	"context"
	"fmt"
	"log"

	"uring.example/go/uring"
)

func Example() {
	ring, err := uring.NewRing(8, 0)
	if err != nil {
		log.Fatal(err)
	}
	defer ring.Close()

	sqe, err := ring.GetSQE()
	if err != nil {
		log.Fatal(err)
	}
	sqe.PrepNop()
	sqe.SetUserData(42)
	if _, err := ring.Submit(); err != nil {
		log.Fatal(err)
	}
	cqe, err := ring.WaitCQE(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cqe.UserData, cqe.Res)
	ring.SeenCQE(cqe)
	// Output: 42 0
}
