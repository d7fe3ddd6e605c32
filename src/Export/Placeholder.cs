namespace NetForge.Export;
