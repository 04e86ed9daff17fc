using k8s.Models;

namespace NexusTrade.Kubernetes;

/// <summary>
/// A container's environment, started from the app model and translated by <see cref="ValueTranslator"/> (literals
/// kept, secrets as secretKeyRefs, references in their in-cluster form). Order is kept: <c>$(VAR)</c> may only name
/// earlier variables.
/// </summary>
public sealed class EnvironmentBuilder
{
    private readonly List<V1EnvVar> _variables = [];

    /// <summary>Every variable of the model, except those <paramref name="localOnly"/> names (they mean nothing in the cluster).</summary>
    public static EnvironmentBuilder FromModel(ComponentSpec spec, PublishContext context, Func<string, object, bool>? localOnly = null)
    {
        var builder = new EnvironmentBuilder();
        foreach (var (name, value) in spec.Environment)
        {
            if (localOnly?.Invoke(name, value) == true) continue;
            foreach (var variable in context.Values.Variables(name, value)) builder.Put(variable);
        }
        return builder;
    }

    public EnvironmentBuilder Set(string name, string value) => Put(ManifestBuilder.Env(name, value));

    /// <summary>A variable of any source (a secretKeyRef, a field of the pod).</summary>
    public EnvironmentBuilder Set(V1EnvVar variable) => Put(variable);

    public EnvironmentBuilder Remove(Func<string, bool> predicate)
    {
        _variables.RemoveAll(variable => predicate(variable.Name));
        return this;
    }

    /// <summary>Variables with a literal value (candidates for a ConfigMap).</summary>
    public IReadOnlyDictionary<string, string> Literals => _variables.Where(v => v.ValueFrom is null).ToDictionary(v => v.Name, v => v.Value);

    public List<V1EnvVar> Build() => [.. _variables];

    private EnvironmentBuilder Put(V1EnvVar variable)
    {
        var index = _variables.FindIndex(v => v.Name == variable.Name);
        if (index >= 0) _variables[index] = variable;
        else _variables.Add(variable);
        return this;
    }
}
