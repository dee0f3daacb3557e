namespace KvStore.AppHost.Hosting;

/// <summary>Mistakes in Program.cs (a reference to a resource that does not exist, two resources on one port) stop the build of the model.</summary>
internal static class ModelValidation
{
    public static void ThrowIfInvalid(DistributedApplicationModel model)
    {
        var errors = Errors(model).ToList();
        if (errors.Count > 0)
            throw new InvalidOperationException("The application model is invalid: " + string.Join("; ", errors));
    }

    private static IEnumerable<string> Errors(DistributedApplicationModel model)
    {
        foreach (var project in model.Projects)
        {
            foreach (var reference in project.References.Where(r => model.Find(r) is null))
                yield return $"{project.Name} references '{reference}', which is not a resource";

            var values = project.Environment.Select(e => e.Value).Concat(project.Args);
            foreach (var value in values)
            {
                switch (value)
                {
                    case ParameterValue p when model.Find(p.Parameter) is not ParameterResource:
                        yield return $"{project.Name} uses parameter '{p.Parameter}', which is not declared";
                        break;
                    case EndpointUrlValue u when (model.Find(u.Resource) as ProjectResource)?.FindEndpoint(u.Endpoint) is null:
                        yield return $"{project.Name} uses endpoint '{u.Resource}.{u.Endpoint}', which is not declared";
                        break;
                }
            }

            if (project.HealthCheck is { } check && project.FindEndpoint(check.Endpoint) is null)
                yield return $"{project.Name}'s health check uses endpoint '{check.Endpoint}', which it does not have";
        }

        var ports = model.Projects.SelectMany(p => p.Endpoints.Select(e => (p.Name, e.Port))).GroupBy(x => x.Port).Where(g => g.Count() > 1);
        foreach (var clash in ports)
            yield return $"port {clash.Key} is declared by {string.Join(" and ", clash.Select(x => x.Name))}";
    }
}
