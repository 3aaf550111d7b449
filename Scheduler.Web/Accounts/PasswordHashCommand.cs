namespace Scheduler.Web.Accounts;

/// <summary>
/// <c>Scheduler.Web hash-password</c>: reads a password from standard input and prints the hash that goes into
/// <c>Auth:Users:{name}:PasswordHash</c>. The password is never an argument, so it stays out of shell history.
/// </summary>
internal static class PasswordHashCommand
{
    public const string Name = "hash-password";

    /// <summary>Runs the command when the arguments ask for it; false leaves the arguments to the web host.</summary>
    public static bool TryRun(string[] args)
    {
        if (args is not [Name])
        {
            return false;
        }

        if (!Console.IsInputRedirected)
        {
            Console.Error.Write("Password: ");
        }

        var password = Console.IsInputRedirected ? Console.In.ReadLine() : ReadHidden();
        if (string.IsNullOrEmpty(password))
        {
            Console.Error.WriteLine("No password given: write it to standard input (echo ... | Scheduler.Web hash-password).");
            Environment.ExitCode = 1;
            return true;
        }

        Console.Out.WriteLine(UserDirectory.Hash(password));
        Console.Error.WriteLine("Put this hash in Auth:Users:{name}:PasswordHash and the roles in Auth:Users:{name}:Roles:0, :1, ...");
        return true;
    }

    private static string ReadHidden()
    {
        var password = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                password.Length = Math.Max(0, password.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return password.ToString();
    }
}
