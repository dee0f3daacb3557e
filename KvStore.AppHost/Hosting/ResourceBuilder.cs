namespace KvStore.AppHost.Hosting;

internal sealed class ResourceBuilder<T>(DistributedApplicationBuilder applicationBuilder, string name) : IResourceBuilder<T>
    where T : IResource
{
    public T Resource => (T)applicationBuilder.GetResource(name);

    public IDistributedApplicationBuilder ApplicationBuilder => applicationBuilder;

    public IResourceBuilder<T> Update(Func<T, T> change)
    {
        var changed = change(Resource);
        if (changed.Name != name)
            throw new InvalidOperationException($"A resource cannot be renamed ('{name}' to '{changed.Name}').");
        applicationBuilder.ReplaceResource(changed);
        return this;
    }
}
