using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml.Linq;
using NetForge.Runtime;

namespace NetForge.Packaging.Tests;

/// <summary>
/// NetForge.Runtime's public surface is reviewed: it must equal api/NetForge.Runtime.api.txt
/// (regenerate with NETFORGE_UPDATE_API=1), and every public member must have XML documentation.
/// </summary>
public class ApiListingTests
{
    private static readonly Assembly Runtime = typeof(NetForgeModel).Assembly;
    private static string ListingPath => RepoPaths.Combine("api", "NetForge.Runtime.api.txt");

    /// <summary>Every packable library (docs/packages.md), by assembly name.</summary>
    public static TheoryData<string> Libraries => new()
    {
        "NetForge.Spec", "NetForge.Data", "NetForge.Train", "NetForge.Engine", "NetForge.Export", "NetForge.Runtime",
        "NetForge.Parity", "NetForge.Imaging", "NetForge.Report", "NetForge.Torch",
    };

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Every_library_matches_its_checked_in_listing(string name)
    {
        var assembly = Assembly.Load(name);
        string path = RepoPaths.Combine("api", name + ".api.txt");
        string actual = ApiListing.Generate(assembly);
        if (RepoPaths.Flag("NETFORGE_UPDATE_API")) File.WriteAllText(path, actual);
        Assert.True(File.Exists(path), $"{path} is missing; create it with NETFORGE_UPDATE_API=1 dotnet test tests/NetForge.Packaging.Tests --filter ApiListing");
        string expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.True(expected == actual, $"{name}'s public API changed (- listing, + assembly):\n" + RepoPaths.Diff(expected, actual) +
            $"\nIf the change is intended, regenerate api/{name}.api.txt with: NETFORGE_UPDATE_API=1 dotnet test tests/NetForge.Packaging.Tests --filter ApiListing");
        // Plumbing users do not need stays internal.
        foreach (var hidden in new[] { "WorkerPool", "IParallelBody", "class NetForge.Engine.Kernels.Gemm " })
            Assert.DoesNotContain(hidden, actual, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicSurfaceMatchesTheCheckedInListing()
    {
        string actual = ApiListing.Generate(Runtime);
        if (RepoPaths.Flag("NETFORGE_UPDATE_API"))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(ListingPath)!);
            File.WriteAllText(ListingPath, actual);
        }

        Assert.True(File.Exists(ListingPath), $"{ListingPath} is missing; create it with NETFORGE_UPDATE_API=1 dotnet test tests/NetForge.Packaging.Tests");
        string expected = File.ReadAllText(ListingPath).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.True(expected == actual,
            "NetForge.Runtime's public API changed (- listing, + assembly):\n" + RepoPaths.Diff(expected, actual) +
            "\nIf the change is intended, regenerate api/NetForge.Runtime.api.txt with: NETFORGE_UPDATE_API=1 dotnet test tests/NetForge.Packaging.Tests --filter ApiListing");
    }

    [Fact]
    public void ListingShowsKnownMembersWithSignatures()
    {
        string listing = ApiListing.Generate(Runtime);
        Assert.Contains("public sealed class NetForge.Runtime.NetForgeModel : System.IDisposable", listing, StringComparison.Ordinal);
        Assert.Contains("  static NetForge.Runtime.NetForgeModel Open(string path, NetForge.Runtime.NetForgeModelOptions? options = null)", listing, StringComparison.Ordinal);
        Assert.Contains("  int[] Classify(System.ReadOnlySpan<float> samples, int count)", listing, StringComparison.Ordinal);
        Assert.Contains("  Microsoft.ML.OnnxRuntime.InferenceSession Session { get; }", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("ModelScan", listing, StringComparison.Ordinal); // internal plumbing stays internal
        // No NetForge type reuses a name of Microsoft.ML.OnnxRuntime's public API.
        var ortNames = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetExportedTypes().Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(Runtime.GetExportedTypes(), t => ortNames.Contains(t.Name));
    }

    [Fact]
    public void EveryPublicMemberHasXmlDocs()
    {
        string xmlPath = Path.ChangeExtension(Runtime.Location, ".xml");
        Assert.True(File.Exists(xmlPath), $"{xmlPath} missing: NetForge.Runtime must set GenerateDocumentationFile");
        var documented = XDocument.Load(xmlPath).Descendants("member")
            .Select(m => (string?)m.Attribute("name"))
            .Where(n => n is not null)
            .ToHashSet(StringComparer.Ordinal);

        var missing = ApiListing.DocumentationIds(Runtime).Where(id => !documented.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "public members without XML docs in NetForge.Runtime:\n" + string.Join('\n', missing));
        Assert.Contains("T:NetForge.Runtime.NetForgeModel", documented);
    }
}

/// <summary>Reflection-based listing of an assembly's public surface, one type or member per line, sorted.</summary>
internal static class ApiListing
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                          BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static IEnumerable<Type> PublicTypes(Assembly assembly) =>
        assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal);

    /// <summary>Public and protected members declared by the type, without accessors and compiler-generated members.</summary>
    public static IEnumerable<MemberInfo> Members(Type type) =>
        type.GetMembers(Declared).Where(m => IsVisible(m) && !IsCompilerGenerated(m) && !IsAccessor(m) && !IsEnumValueField(type, m));

    public static string Generate(Assembly assembly)
    {
        var sb = new StringBuilder();
        sb.Append("# Public API of ").Append(assembly.GetName().Name)
          .Append(". Generated by tests/NetForge.Packaging.Tests (NETFORGE_UPDATE_API=1 rewrites it); review changes.\n");
        foreach (Type type in PublicTypes(assembly))
        {
            sb.Append('\n').Append(TypeHeader(type)).Append('\n');
            if (type.IsEnum)
            {
                foreach (FieldInfo f in type.GetFields(BindingFlags.Public | BindingFlags.Static).OrderBy(f => Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)).ThenBy(f => f.Name, StringComparer.Ordinal))
                    sb.Append("  ").Append(f.Name).Append(" = ").Append(Convert.ToString(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
                continue;
            }
            foreach (string line in Members(type).OrderBy(m => m is ConstructorInfo ? 0 : 1).ThenBy(m => m.Name, StringComparer.Ordinal)
                         .ThenBy(Signature, StringComparer.Ordinal).Select(Signature))
                sb.Append("  ").Append(line).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>XML documentation ids (T:, M:, P:, F:, E:) of every public type and member.</summary>
    public static IEnumerable<string> DocumentationIds(Assembly assembly)
    {
        foreach (Type type in PublicTypes(assembly))
        {
            yield return "T:" + DocTypeName(type, forDefinition: true);
            IEnumerable<MemberInfo> members = type.IsEnum
                ? type.GetFields(BindingFlags.Public | BindingFlags.Static)
                : Members(type).Where(m => !IsRecordBoilerplate(type, m));
            foreach (MemberInfo m in members)
            {
                string owner = DocTypeName(type, forDefinition: true);
                switch (m)
                {
                    case ConstructorInfo c: yield return $"M:{owner}.#ctor{DocParameters(c.GetParameters())}"; break;
                    case MethodInfo mi:
                        string generic = mi.IsGenericMethodDefinition ? "``" + mi.GetGenericArguments().Length : "";
                        string conversion = mi.Name is "op_Implicit" or "op_Explicit" ? "~" + DocTypeName(mi.ReturnType, false) : "";
                        yield return $"M:{owner}.{mi.Name}{generic}{DocParameters(mi.GetParameters())}{conversion}"; break;
                    case PropertyInfo p:
                        var index = p.GetIndexParameters();
                        yield return $"P:{owner}.{p.Name}{(index.Length > 0 ? DocParameters(index) : "")}"; break;
                    case FieldInfo f: yield return $"F:{owner}.{f.Name}"; break;
                    case EventInfo e: yield return $"E:{owner}.{e.Name}"; break;
                    case Type: break; // nested types are listed as types
                }
            }
        }
    }

    // ---- listing ----

    private static string TypeHeader(Type t)
    {
        string kind = t.IsEnum ? "enum" : t.IsInterface ? "interface" : t.IsValueType ? (IsRecord(t) ? "record struct" : "struct")
            : t.IsSubclassOf(typeof(Delegate)) ? "delegate" : IsRecord(t) ? "record" : "class";
        string modifiers = t.IsClass && !t.IsSubclassOf(typeof(Delegate))
            ? (t.IsAbstract && t.IsSealed ? "static " : t.IsSealed ? "sealed " : t.IsAbstract ? "abstract " : "")
            : "";
        var bases = new List<string>();
        if (t.IsClass && t.BaseType is { } b && b != typeof(object) && !t.IsSubclassOf(typeof(Delegate))) bases.Add(Name(b));
        if (t.IsEnum) bases.Add(Name(Enum.GetUnderlyingType(t)));
        var inherited = t.IsEnum ? t.GetInterfaces() : t.BaseType?.GetInterfaces() ?? [];
        bases.AddRange(t.GetInterfaces().Where(i => (i.IsPublic || i.IsNestedPublic) && !inherited.Contains(i))
            .Where(i => !(IsRecord(t) && i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEquatable<>)))
            .Select(i => Name(i)).Order(StringComparer.Ordinal));
        return $"public {modifiers}{kind} {Name(t)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : "")}";
    }

    private static string Signature(MemberInfo m)
    {
        var nullability = new NullabilityInfoContext();
        switch (m)
        {
            case ConstructorInfo c:
                return $"{Access(c)}ctor({Parameters(c.GetParameters(), nullability)})";
            case MethodInfo mi:
                string generics = mi.IsGenericMethodDefinition ? "<" + string.Join(", ", mi.GetGenericArguments().Select(a => a.Name)) + ">" : "";
                string ext = mi.IsDefined(typeof(ExtensionAttribute)) ? "this " : "";
                return $"{Access(mi)}{Static(mi)}{Virtual(mi)}{Name(mi.ReturnType, nullability.Create(mi.ReturnParameter))} {mi.Name}{generics}({ext}{Parameters(mi.GetParameters(), nullability)})";
            case PropertyInfo p:
                MethodInfo accessor = p.GetMethod ?? p.SetMethod!;
                string accessors = (IsVisible(p.GetMethod) ? "get; " : "") +
                                   (IsVisible(p.SetMethod) ? (IsInitOnly(p.SetMethod!) ? "init; " : "set; ") : "");
                var index = p.GetIndexParameters();
                string name = index.Length > 0 ? $"this[{Parameters(index, nullability)}]" : p.Name;
                return $"{Access(accessor)}{Static(accessor)}{Virtual(accessor)}{Name(p.PropertyType, nullability.Create(p))} {name} {{ {accessors}}}";
            case FieldInfo f:
                string constant = f.IsLiteral ? "const " : f.IsStatic ? "static " : "";
                string ro = f.IsInitOnly ? "readonly " : "";
                string value = f.IsLiteral ? " = " + Literal(f.GetRawConstantValue()) : "";
                return $"{(f.IsFamily ? "protected " : "")}{constant}{ro}{Name(f.FieldType, nullability.Create(f))} {f.Name}{value}";
            case EventInfo e:
                return $"event {Name(e.EventHandlerType!)} {e.Name}";
            case Type nested:
                return "nested " + Name(nested);
            default:
                return m.ToString() ?? m.Name;
        }
    }

    private static string Parameters(ParameterInfo[] ps, NullabilityInfoContext nullability) => string.Join(", ", ps.Select(p =>
    {
        string prefix = p.ParameterType.IsByRef ? (p.IsOut ? "out " : p.IsIn ? "in " : "ref ") : p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : "";
        string type = Name(p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType, p.ParameterType.IsByRef ? null : nullability.Create(p));
        string def = p.HasDefaultValue ? " = " + Literal(p.RawDefaultValue) : "";
        return $"{prefix}{type} {p.Name}{def}";
    }));

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void", [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte",
        [typeof(short)] = "short", [typeof(ushort)] = "ushort", [typeof(int)] = "int", [typeof(uint)] = "uint",
        [typeof(long)] = "long", [typeof(ulong)] = "ulong", [typeof(float)] = "float", [typeof(double)] = "double",
        [typeof(decimal)] = "decimal", [typeof(char)] = "char", [typeof(string)] = "string", [typeof(object)] = "object",
        [typeof(nint)] = "nint", [typeof(nuint)] = "nuint",
    };

    /// <summary>C#-like type name; with nullability info, reference types read as annotated ("string?").</summary>
    private static string Name(Type t, NullabilityInfo? n = null)
    {
        string name;
        if (Keywords.TryGetValue(t, out string? keyword)) name = keyword;
        else if (t.IsGenericParameter) name = t.Name;
        else if (t.IsArray) name = Name(t.GetElementType()!, n?.ElementType) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        else if (t.IsPointer) name = Name(t.GetElementType()!) + "*";
        else if (Nullable.GetUnderlyingType(t) is { } underlying) return Name(underlying) + "?";
        else
        {
            string baseName = t.IsNested ? Name(t.DeclaringType!) + "." + t.Name : (t.Namespace is null ? t.Name : t.Namespace + "." + t.Name);
            int tick = baseName.IndexOf('`', StringComparison.Ordinal);
            if (tick >= 0) baseName = baseName[..tick];
            if (t.IsGenericType)
            {
                Type[] args = t.GetGenericArguments();
                if (t.IsNested) args = args[t.DeclaringType!.GetGenericArguments().Length..];
                NullabilityInfo[]? argInfo = n?.GenericTypeArguments;
                baseName += "<" + string.Join(", ", args.Select((a, i) =>
                    Name(a, argInfo is not null && argInfo.Length == args.Length ? argInfo[i] : null))) + ">";
            }
            name = baseName;
        }
        bool annotated = n is not null && !t.IsValueType && n.ReadState == NullabilityState.Nullable ||
                         n is not null && !t.IsValueType && n.ReadState != NullabilityState.Nullable && n.WriteState == NullabilityState.Nullable;
        return annotated ? name + "?" : name;
    }

    private static string Access(MethodBase m) => m.IsFamily || m.IsFamilyOrAssembly ? "protected " : "";
    private static string Static(MethodBase m) => m.IsStatic ? "static " : "";
    private static string Virtual(MethodInfo m) =>
        m.IsAbstract ? "abstract " : m.GetBaseDefinition() != m ? "override " : m.IsVirtual && !m.IsFinal ? "virtual " : "";
    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.FullName == "System.Runtime.CompilerServices.IsExternalInit");

    private static bool IsVisible(MemberInfo? m) => m switch
    {
        null => false,
        MethodBase mb => mb.IsPublic || mb.IsFamily || mb.IsFamilyOrAssembly,
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        PropertyInfo p => IsVisible(p.GetMethod) || IsVisible(p.SetMethod),
        EventInfo e => IsVisible(e.AddMethod),
        Type t => t.IsNestedPublic || t.IsNestedFamily || t.IsNestedFamORAssem,
        _ => false,
    };

    private static bool IsCompilerGenerated(MemberInfo m) =>
        m.IsDefined(typeof(CompilerGeneratedAttribute)) || m.Name.Contains('<', StringComparison.Ordinal);

    private static bool IsAccessor(MemberInfo m) => m is MethodInfo { IsSpecialName: true } mi &&
        (mi.Name.StartsWith("get_", StringComparison.Ordinal) || mi.Name.StartsWith("set_", StringComparison.Ordinal) ||
         mi.Name.StartsWith("add_", StringComparison.Ordinal) || mi.Name.StartsWith("remove_", StringComparison.Ordinal));

    private static bool IsEnumValueField(Type t, MemberInfo m) => t.IsEnum && m is FieldInfo;

    private static bool IsRecord(Type t) => t.GetMethod("<Clone>$") is not null ||
        t.IsValueType && t.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is not null;

    /// <summary>Members a record gets from the compiler (no CS1591 for them): equality, ToString, Deconstruct, copy constructor.</summary>
    private static bool IsRecordBoilerplate(Type t, MemberInfo m)
    {
        if (!IsRecord(t)) return false;
        return m switch
        {
            MethodInfo mi => mi.Name is "Equals" or "GetHashCode" or "ToString" or "Deconstruct" or "PrintMembers" or "op_Equality" or "op_Inequality",
            PropertyInfo p => p.Name == "EqualityContract",
            ConstructorInfo c => c.GetParameters() is [{ } only] && only.ParameterType == t || IsImplicitDefaultConstructor(t, c),
            _ => false,
        };
    }

    /// <summary>
    /// A parameterless constructor that is the type's only one is taken as the compiler's implicit default constructor
    /// (which has no docs and gets no CS1591); a written one is still checked by the compiler, as NetForge.Runtime
    /// builds with CS1591 as an error.
    /// </summary>
    private static bool IsImplicitDefaultConstructor(Type t, ConstructorInfo c) =>
        c.GetParameters().Length == 0 && t.GetConstructors().Count(k => k.GetParameters() is not [{ } p] || p.ParameterType != t) == 1;

    // ---- documentation ids ----

    private static string DocParameters(ParameterInfo[] ps) =>
        ps.Length == 0 ? "" : "(" + string.Join(",", ps.Select(p => DocTypeName(p.ParameterType, false))) + ")";

    private static string DocTypeName(Type t, bool forDefinition)
    {
        if (t.IsByRef) return DocTypeName(t.GetElementType()!, false) + "@";
        if (t.IsPointer) return DocTypeName(t.GetElementType()!, false) + "*";
        if (t.IsArray) return DocTypeName(t.GetElementType()!, false) + (t.GetArrayRank() == 1 ? "[]" : "[" + string.Join(",", Enumerable.Repeat("0:", t.GetArrayRank())) + "]");
        if (t.IsGenericParameter) return (t.DeclaringMethod is not null ? "``" : "`") + t.GenericParameterPosition;
        string name = t.IsNested ? DocTypeName(t.DeclaringType!, true) + "." + t.Name : (t.Namespace is null ? t.Name : t.Namespace + "." + t.Name);
        if (t.IsGenericType && !forDefinition && !t.IsGenericTypeDefinition)
        {
            int tick = name.IndexOf('`', StringComparison.Ordinal);
            if (tick >= 0) name = name[..tick];
            name += "{" + string.Join(",", t.GetGenericArguments().Select(a => DocTypeName(a, false))) + "}";
        }
        return name;
    }
}
