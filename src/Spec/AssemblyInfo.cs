using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("NetForge.Spec.Tests")]
