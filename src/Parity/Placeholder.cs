namespace NetForge.Parity;
