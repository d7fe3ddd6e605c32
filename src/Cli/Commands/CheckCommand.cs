using System.CommandLine;
using NetForge.Spec;
using NetForge.Spec.Graph;

namespace NetForge.Cli.Commands;

/// <summary>
/// <c>netforge check &lt;spec&gt; [--resolved]</c>: validates a spec. Diagnostics go to stderr followed by
/// "N errors" (exit 1); a valid spec prints "&lt;path&gt;: ok (N layers, P parameters)", and with
/// <c>--resolved</c> the spec with every default filled in goes to stdout (the ok line then goes to
/// stderr so stdout stays pure YAML).
/// </summary>
internal static class CheckCommand
{
    public static Command Create(CliContext context)
    {
        var spec = CliContext.SpecArgument();
        var resolved = new Option<bool>("--resolved") { Description = "Print the spec with every default filled in (YAML, to stdout)." };
        var command = new Command("check", "Validate a spec and report every problem with its file:line:column.") { spec, resolved };
        command.SetAction(parse => Run(context, parse.GetValue(spec)!, parse.GetValue(resolved)));
        return command;
    }

    internal static int Run(CliContext context, string path, bool resolved)
    {
        string text = CliContext.ReadSpecText(path);
        var result = SpecCompiler.Check(text, path);
        if (!result.Ok || result.Graph is null)
        {
            foreach (var diagnostic in result.Diagnostics) context.Error.WriteLine(diagnostic.ToString());
            context.Error.WriteLine(CliContext.CountErrors(Math.Max(result.Diagnostics.Count, 1)));
            return ExitCodes.InvalidInput;
        }

        var graph = result.Graph;
        string ok = $"{path}: ok ({graph.Layers.Count} layers, {CliContext.Count(graph.ParameterCount)} parameters)";
        if (graph.Data is not MnistSourceSpec)
        {
            // Data in files: its shapes and classes are part of the check (MNIST's are known without reading it).
            var data = Data.DataSources.Read(graph, progress: context.Progress);
            var problems = Data.DataSources.Check(graph, data);
            if (problems.Count > 0)
            {
                foreach (var diagnostic in problems) context.Error.WriteLine(diagnostic.ToString());
                context.Error.WriteLine(CliContext.CountErrors(problems.Count));
                return ExitCodes.InvalidInput;
            }
            graph = Data.DataSources.Bind(graph, data);   // what the data decides (labels, features, normalize: auto) shows in --resolved
            ok += $"; data: {CliContext.Count(data.Train.Count)} train and {CliContext.Count(data.Test.Count)} test {data.Train switch
            {
                Data.ImageSet i => $"images of {i.Rows}x{i.Cols}{(i.Channels == 3 ? " RGB" : "")}",
                _ => $"rows of {data.Train.SampleDescription}",
            }} ({data.Description})";
            if (data.Skipped.Count > 0) ok += $"; {CliContext.Count(data.Skipped.Count)} unreadable {(data.Train is Data.TableSet ? "rows" : "pictures")} skipped";
        }
        if (resolved)
        {
            string yaml = SpecCompiler.ToResolvedYaml(graph);
            context.Out.Write(yaml.EndsWith('\n') ? yaml : yaml + "\n");
            context.Error.WriteLine(ok);
        }
        else
        {
            context.Out.WriteLine(ok);
        }
        return ExitCodes.Ok;
    }
}
