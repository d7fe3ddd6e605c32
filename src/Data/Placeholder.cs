namespace NetForge.Data;
