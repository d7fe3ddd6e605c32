using System.Text;
using NetForge.Spec.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace NetForge.Spec.Yaml;

/// <summary>
/// Reads one YAML document into a <see cref="YNode"/> tree from YamlDotNet's event stream, enforcing
/// the data-only rules: no tags, no anchors or aliases (so no alias bombs), at most
/// <see cref="MaxBytes"/> of text and <see cref="MaxDepth"/> levels of nesting. Syntax errors become
/// diagnostics at YamlDotNet's position; nothing here throws for bad input.
/// </summary>
internal static class SafeYamlReader
{
    public const int MaxBytes = 1 << 20;
    public const int MaxDepth = 64;

    /// <summary>At most this many nodes (scalars, lists, mappings); a large spec has a few thousand.</summary>
    public const int MaxNodes = 10_000;

    /// <summary>Returns the document's root node, or null after reporting why there is none.</summary>
    public static YNode? Read(string text, DiagnosticBag diags)
    {
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes)
        {
            diags.Add(1, 1, null, "spec is too large", $"at most {MaxBytes} bytes", $"{Encoding.UTF8.GetByteCount(text)} bytes");
            return null;
        }

        var scanner = new Scanner(new StringReader(text), skipComments: true);
        var parser = new Parser(scanner);
        var stack = new Stack<YNode>();
        YNode? root = null;
        YScalar? pendingKey = null;           // a key of the innermost open mapping, waiting for its value
        int documents = 0, nodes = 0;
        Mark last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                last = ev.Start;
                switch (ev)
                {
                    case DocumentStart ds when !ds.IsImplicit || documents > 0:
                        if (++documents > 1)
                        {
                            diags.Add(ev.Start, null, "a spec holds one YAML document", "a single document", "a second '---' document");
                            return null;
                        }
                        continue;
                    case DocumentStart:
                        documents++;
                        continue;
                    case StreamStart or StreamEnd or DocumentEnd or Comment:
                        continue;
                    case AnchorAlias:
                        diags.Add(ev.Start, null, "aliases are not allowed in a spec", "plain data", "an alias (*name)",
                            "write the value out instead of referring to an anchor");
                        return null;
                }

                if (ev is NodeEvent ne)
                {
                    if (!ne.Tag.IsEmpty)
                    {
                        diags.Add(ev.Start, null, "tags are not allowed in a spec", "plain data", "tag '" + Short(ne.Tag.Value) + "'",
                            "remove the tag; a spec is data only");
                        return null;
                    }

                    if (!ne.Anchor.IsEmpty)
                    {
                        diags.Add(ev.Start, null, "anchors are not allowed in a spec", "plain data", "anchor '&" + Short(ne.Anchor.Value) + "'",
                            "write the value out where it is used");
                        return null;
                    }
                }

                YNode? node = null;
                switch (ev)
                {
                    case Scalar s:
                        node = new YScalar(Pos(ev.Start.Line), Pos(ev.Start.Column), s.Value, s.Style == ScalarStyle.Plain);
                        break;
                    case MappingStart:
                        node = new YMap(Pos(ev.Start.Line), Pos(ev.Start.Column));
                        break;
                    case SequenceStart:
                        node = new YSeq(Pos(ev.Start.Line), Pos(ev.Start.Column));
                        break;
                    case MappingEnd or SequenceEnd:
                        stack.Pop();
                        pendingKey = null;            // a container only starts when its parent has no pending key
                        continue;
                }

                if (node is null) continue;
                if (++nodes > MaxNodes)
                {
                    diags.Add(node.Line, node.Column, null, "spec has too many values", $"at most {MaxNodes}", "more");
                    return null;
                }

                // Attach to the parent.
                if (stack.Count == 0)
                {
                    root = node;
                }
                else if (stack.Peek() is YSeq seq)
                {
                    seq.Items.Add(node);
                }
                else if (stack.Peek() is YMap map)
                {
                    if (pendingKey is null)
                    {
                        if (node is not YScalar key)
                        {
                            diags.Add(node.Line, node.Column, null, "mapping keys must be plain names", "a name", node.Describe());
                            return null;
                        }

                        pendingKey = key;
                    }
                    else
                    {
                        map.Entries.Add(new(pendingKey, node));
                        pendingKey = null;
                    }
                }

                if (node is YMap or YSeq)
                {
                    if (stack.Count >= MaxDepth)
                    {
                        diags.Add(node.Line, node.Column, null, "spec is nested too deeply", $"at most {MaxDepth} levels", "more");
                        return null;
                    }

                    stack.Push(node);
                }
            }
        }
        catch (YamlException ex)
        {
            var message = ex.Message;
            int cut = message.IndexOf("): ", StringComparison.Ordinal);
            if (message.StartsWith('(') && cut > 0) message = message[(cut + 3)..];
            diags.Add(ex.Start, null, "YAML syntax error: " + message.TrimEnd('.'));
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // YamlDotNet occasionally fails without a YamlException (e.g. an unclosed '{' at the end of
            // the file); the scanner's position is then the best place to point at.
            var at = scanner.CurrentPosition;
            if (at.Line <= 0) at = last;
            diags.Add(at, null, "YAML syntax error: the text cannot be parsed here", null, null,
                "check for an unclosed bracket, brace or quote above this point");
            return null;
        }

        if (root is null)
        {
            diags.Add(1, 1, null, "spec is empty", "a mapping with name, input, layers and train", "nothing");
        }

        return root;
    }

    private static string Short(string s) => s.Length > 40 ? s[..40] + "..." : s;

    private static int Pos(long v) => (int)Math.Clamp(v, 1, int.MaxValue);
}
