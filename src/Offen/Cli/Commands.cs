namespace Offen.Cli;

public static class Commands
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("offen: not yet implemented");
        return Task.FromResult(1);
    }
}
