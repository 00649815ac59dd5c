module uring.example/go

go 1.19
