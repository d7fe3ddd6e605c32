// libtorch's process-wide state (torch.set_num_threads, the global generator behind torch.manual_seed) is shared by
// every test: run them one at a time, as the CLI runs one engine at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
