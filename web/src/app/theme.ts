import { useEffect, useState } from "react";

/** The user's choice; "system" follows prefers-color-scheme. */
export type ThemeChoice = "system" | "light" | "dark";

const THEME_KEY = "agileboard.theme";

function systemTheme(): "light" | "dark" {
  return typeof matchMedia !== "undefined" && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** The theme in effect (light or dark) and the choice behind it, remembered in this browser. */
export function useTheme(): { theme: "light" | "dark"; choice: ThemeChoice; setChoice: (c: ThemeChoice) => void } {
  const [choice, setChoiceState] = useState<ThemeChoice>(() => (localStorage.getItem(THEME_KEY) as ThemeChoice | null) ?? "system");
  const [system, setSystem] = useState(systemTheme);
  useEffect(() => {
    if (typeof matchMedia === "undefined") return;
    const query = matchMedia("(prefers-color-scheme: dark)");
    const onChange = () => setSystem(query.matches ? "dark" : "light");
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  }, []);
  const setChoice = (c: ThemeChoice) => {
    localStorage.setItem(THEME_KEY, c);
    setChoiceState(c);
  };
  return { theme: choice === "system" ? system : choice, choice, setChoice };
}
