Console.WriteLine("KvStore load runner: not implemented yet");
return 1;
