Console.WriteLine("KvStore AppHost: not implemented yet");
return 1;
