using Aspire.Hosting.ApplicationModel;
using k8s.Models;

namespace NexusTrade.AppHost.Kubernetes;

/// <summary>
/// A container's environment, started from the app model: literal values are kept, secret parameters become
/// secretKeyRefs (their values are never read), and values built from references (endpoints, connection strings) are
/// left to the component, which knows their in-cluster form. Order is kept: <c>$(VAR)</c> may only name earlier variables.
/// </summary>
public sealed class EnvironmentBuilder
{
    private readonly List<V1EnvVar> _variables = [];

    public static EnvironmentBuilder FromModel(ComponentSpec spec)
    {
        var builder = new EnvironmentBuilder();
        foreach (var (name, value) in spec.Environment)
        {
            if (AppModelReader.StaticValue(value) is { } literal) builder.Set(name, literal);
            else if (value is ParameterResource { Secret: true } parameter) builder.SetSecret(name, SecretCatalog.ForParameter(parameter));
        }
        return builder;
    }

    public EnvironmentBuilder Set(string name, string value) => Put(ManifestBuilder.Env(name, value));

    public EnvironmentBuilder SetSecret(string name, SecretKey secret) => Put(ManifestBuilder.SecretEnv(name, secret));

    public EnvironmentBuilder Remove(Func<string, bool> predicate)
    {
        _variables.RemoveAll(variable => predicate(variable.Name));
        return this;
    }

    /// <summary>Variables with a literal value (candidates for a ConfigMap).</summary>
    public IReadOnlyDictionary<string, string> Literals => _variables.Where(v => v.ValueFrom is null).ToDictionary(v => v.Name, v => v.Value);

    public List<V1EnvVar> Build() => [.. _variables];

    /// <summary>Only the variables that come from Secrets, for a container that gets its literals from a ConfigMap.</summary>
    public List<V1EnvVar> BuildSecretsOnly() => _variables.Where(v => v.ValueFrom is not null).ToList();

    private EnvironmentBuilder Put(V1EnvVar variable)
    {
        var index = _variables.FindIndex(v => v.Name == variable.Name);
        if (index >= 0) _variables[index] = variable;
        else _variables.Add(variable);
        return this;
    }
}
