namespace KvStore.AppHost.Hosting;

/// <summary>
/// The fluent handle Program.cs holds for a resource. Resources are immutable records: each <c>With...</c> call replaces
/// the record in the application builder with an updated copy.
/// </summary>
public interface IResourceBuilder<T> where T : IResource
{
    T Resource { get; }

    IDistributedApplicationBuilder ApplicationBuilder { get; }

    IResourceBuilder<T> Update(Func<T, T> change);
}
