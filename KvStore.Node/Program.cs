using KvStore.Node;
using KvStore.Node.Api;
using KvStore.ServiceDefaults;

InlineSocketCompletions.Enable();

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddKvNode();

var app = builder.Build();
if (await app.StartupErrorAsync() is { } error)
{
    Console.Error.WriteLine(error);
    return 2;
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapClientApi();
app.MapReplicationApi();
app.MapDefaultEndpoints();

app.Run();
return 0;
