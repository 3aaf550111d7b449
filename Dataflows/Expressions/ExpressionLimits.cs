namespace Scheduler.Dataflows.Expressions;

/// <summary>
/// The size limits of an expression, checked on its text before the parser runs: the parser recurses once per
/// nesting level, and a stack overflow cannot be caught, so one deeply nested expression would end the process.
/// </summary>
public static class ExpressionLimits
{
    /// <summary>The longest expression, in characters.</summary>
    public const int MaxLength = 4_000;

    /// <summary>
    /// The deepest nesting: each open parenthesis, bracket or brace, each pending <c>?:</c> or <c>??</c>, and each
    /// unary operator in a row (<c>!!x</c>, <c>- -x</c>) is one level, because the parser recurses on each.
    /// </summary>
    public const int MaxNesting = 64;

    /// <summary>
    /// The most operators and member accesses (<c>.</c>) in one expression. A chain such as <c>a + b + c</c> or
    /// <c>s.Trim().Trim()</c> needs no parentheses, yet the compiled tree is as deep as the chain is long, and the
    /// libraries that walk it (the parser's checks, the JIT compiler) recurse over it: a chain of 2,000 string
    /// concatenations overflowed a 1.5 MiB thread stack.
    /// </summary>
    public const int MaxOperators = 256;

    /// <summary>
    /// The longest string <c>Replace</c>, <c>PadLeft</c> and <c>PadRight</c> may return when it is longer than their
    /// input; the other allowed functions never return more than their inputs hold.
    /// </summary>
    public const int MaxBuiltStringLength = 100_000;

    /// <exception cref="ExpressionException">The expression is longer, has more operators or nests deeper than allowed.</exception>
    internal static void Check(string expression)
    {
        if (expression.Length > MaxLength)
        {
            throw new ExpressionException(
                $"The expression is {expression.Length} characters long; the limit is {MaxLength} (ExpressionLimits.MaxLength).");
        }

        var operators = CountOperators(expression);
        if (operators > MaxOperators)
        {
            throw new ExpressionException(
                $"The expression has {operators} operators and member accesses; the limit is {MaxOperators} (ExpressionLimits.MaxOperators).");
        }

        var tooDeep = PositionBeyondMaxNesting(expression);
        if (tooDeep is { } position)
        {
            throw new ExpressionException(
                $"The expression nests more than {MaxNesting} levels deep at position {position}; the limit is {MaxNesting} (ExpressionLimits.MaxNesting: "
                + "parentheses, brackets, braces, ?: and ?? and unary operators in a row each count).",
                position,
                null,
                null);
        }
    }

    /// <summary>Runs of operator characters (<c>&amp;&amp;</c> is one) and dots before a name, outside string and character literals.</summary>
    private static int CountOperators(string text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (c is '"' or '\'')
            {
                i = ParameterNameRewriter.EndOfLiteral(text, i) - 1;
            }
            else if ((IsOperator(c) && !IsOperator(next)) || (c == '.' && (char.IsAsciiLetter(next) || next == '_')))
            {
                count++;
            }
        }

        return count;
    }

    private static bool IsOperator(char c) => c is '+' or '-' or '*' or '/' or '%' or '<' or '>' or '=' or '!' or '&' or '|' or '^' or '~' or '?';

    /// <summary>Where the nesting first exceeds <see cref="MaxNesting"/>, or null. String and character literals do not count.</summary>
    private static int? PositionBeyondMaxNesting(string text)
    {
        // Every later ?: or ?? of a segment is parsed inside the previous one's right side, so they add up until the
        // segment ends (a closing bracket or a comma). A unary operator nests only its own operand.
        var enclosing = new Stack<(int Depth, int Conditionals)>();
        var depth = 0;
        var conditionals = 0;
        var unary = 0;
        var afterOperand = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            var level = 0;
            switch (c)
            {
                case '"' or '\'':
                    i = ParameterNameRewriter.EndOfLiteral(text, i) - 1;
                    (unary, afterOperand) = (0, true);
                    break;
                case '(' or '[' or '{':
                    enclosing.Push((depth, conditionals));
                    depth += conditionals + unary + 1;
                    (conditionals, unary, afterOperand) = (0, 0, false);
                    level = depth;
                    break;
                case ')' or ']' or '}':
                    if (enclosing.Count > 0)
                    {
                        (depth, conditionals) = enclosing.Pop();
                    }

                    (unary, afterOperand) = (0, true);
                    break;
                case ',':
                    (conditionals, unary, afterOperand) = (0, 0, false);
                    break;
                case '?' when next is '.' or '[':
                    afterOperand = false;
                    break;
                case '?':
                    i += next == '?' ? 1 : 0;
                    conditionals++;
                    (unary, afterOperand) = (0, false);
                    level = depth + conditionals;
                    break;
                case '!' when next == '=':
                    i++;
                    (unary, afterOperand) = (0, false);
                    break;
                case '!' or '~':
                case '-' or '+' when !afterOperand:
                    unary++;
                    afterOperand = false;
                    level = depth + conditionals + unary;
                    break;
                default:
                    afterOperand = char.IsAsciiLetterOrDigit(c) || c is '_' or '.';
                    unary = 0;
                    break;
            }

            if (level > MaxNesting)
            {
                return i;
            }
        }

        return null;
    }
}
