module ccbench-go

go 1.19
