// libtorch's process-wide state (torch.set_num_threads, the global generator behind torch.manual_seed) is shared by
// every test: run them one at a time, as the CLI runs one engine at a time. (In parallel, one of four runs saw a user
// model's seeded training produce NaN.)
[assembly: CollectionBehavior(DisableTestParallelization = true)]
