module blacklake.dev/probe

go 1.22
