using System.Text.Encodings.Web;
using System.Text.Json;
using KvStore.AppHost.Hosting;

namespace KvStore.AppHost.Publishing;

/// <summary>
/// Aspire's deployment manifest (<c>--publisher manifest --output-path aspire-manifest.json</c>): every resource in
/// declaration order, parameters as <c>parameter.v0</c>, projects as <c>project.v0</c> with their environment as
/// expressions (<c>{write-quorum.value}</c>, <c>{follower1.bindings.http.url}</c>) and their bindings.
/// </summary>
public sealed class ManifestPublisher : IPublisher
{
    public const string Schema = "https://json.schemastore.org/aspire-8.0.json";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        NewLine = "\n",
        // Expressions and URLs as written ({x.value}, +, &), not \u-escaped: the file is read by people too.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Name => "manifest";

    public string OutputDescription => "the manifest file to write, e.g. aspire-manifest.json";

    public string OutputDirectory(string outputPath) => Path.GetDirectoryName(outputPath)!;

    public async Task<IReadOnlyList<string>> PublishAsync(PublishingContext context, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(OutputDirectory(context.OutputPath));
        await File.WriteAllBytesAsync(context.OutputPath, Write(context), cancellationToken);
        return [context.OutputPath];
    }

    public static byte[] Write(PublishingContext context)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("$schema", Schema);
            json.WriteStartObject("resources");
            foreach (var resource in context.Model.Resources)
            {
                json.WritePropertyName(resource.Name);
                switch (resource)
                {
                    case ParameterResource parameter:
                        WriteParameter(json, parameter);
                        break;
                    case ProjectResource project:
                        WriteProject(json, project, context);
                        break;
                    default:
                        throw new NotSupportedException($"The manifest publisher cannot write {resource.GetType().Name} '{resource.Name}'.");
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteParameter(Utf8JsonWriter json, ParameterResource parameter)
    {
        json.WriteStartObject();
        json.WriteString("type", "parameter.v0");
        json.WriteString("value", $"{{{parameter.Name}.inputs.value}}");
        json.WriteStartObject("inputs");
        json.WriteStartObject("value");
        json.WriteString("type", "string");
        if (parameter.Secret)
            json.WriteBoolean("secret", true);
        switch (parameter.Default)
        {
            case GenerateParameterDefault generate:
                json.WriteStartObject("default");
                json.WriteStartObject("generate");
                json.WriteNumber("minLength", generate.MinLength);
                json.WriteEndObject();
                json.WriteEndObject();
                break;
            case ConstantParameterDefault constant:
                json.WriteStartObject("default");
                json.WriteString("value", constant.Value);
                json.WriteEndObject();
                break;
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteProject(Utf8JsonWriter json, ProjectResource project, PublishingContext context)
    {
        json.WriteStartObject();
        json.WriteString("type", "project.v0");
        json.WriteString("path", context.RelativePath(project.ProjectPath));

        if (!project.Args.IsEmpty)
        {
            json.WriteStartArray("args");
            foreach (var arg in project.Args)
                json.WriteStringValue(Expression(arg));
            json.WriteEndArray();
        }

        json.WriteStartObject("env");
        foreach (var (name, value) in ContainerConventions.PortVariables(project, e => $"{{{project.Name}.bindings.{e.Name}.targetPort}}"))
            json.WriteString(name, value);
        foreach (var variable in ContainerConventions.EffectiveEnvironment(project))
            json.WriteString(variable.Name, Expression(variable.Value));
        json.WriteEndObject();

        if (!project.Endpoints.IsEmpty)
        {
            json.WriteStartObject("bindings");
            foreach (var endpoint in project.Endpoints)
            {
                json.WriteStartObject(endpoint.Name);
                json.WriteString("scheme", endpoint.Scheme);
                json.WriteString("protocol", "tcp");
                json.WriteString("transport", endpoint.Transport);
                json.WriteNumber("port", endpoint.Port);
                json.WriteNumber("targetPort", ContainerConventions.ContainerPort(endpoint));
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    // A state folder has no Aspire expression: in a deployment it is a path inside the container, backed by a volume.
    private static string Expression(ValueExpression value) =>
        value is StateDirectoryValue ? ContainerConventions.StateDirectory : value.ManifestExpression;
}
