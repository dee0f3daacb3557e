using KvStore.Node;
using KvStore.ServiceDefaults;

InlineSocketCompletions.Enable();

var builder = WebApplication.CreateBuilder(NodeHostOptions.For(args));

builder.AddServiceDefaults();
builder.AddKvNode();

var app = builder.Build();
if (await app.StartupErrorAsync() is { } error)
{
    Console.Error.WriteLine(error);
    return 2;
}

app.MapKvNode();

app.Run();
return 0;
