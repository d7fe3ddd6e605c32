namespace NetForge.Runtime;
